from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class EnvcrimeConfig(AppConfig):
    default = True
    name = "envcrime"
    verbose_name = "EnvCrime"

    def ready(self):
        from . import checks  # noqa: F401  (registers the SITE_URL check)


class PortalAdminConfig(AdminConfig):
    """Django's admin with the staff workplace as its site (the to-do panel on the index)."""

    default = False
    default_site = "envcrime.admin_site.WorkplaceAdminSite"
