from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Directory")

    def ready(self):
        from . import signals  # noqa: F401  (connects the sign-up → Delegate group handler)
        from .permissions import grant_role_permissions

        # Not limited to this app as sender: the meetings and recommendations permissions are
        # created by their own post_migrate signals, which come after ours.
        post_migrate.connect(grant_role_permissions, dispatch_uid="programmes.grant_role_permissions")
