from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = _("Directory")

    def ready(self):
        from . import signals  # noqa: F401  (connects the sign-up → Delegate group handler)
