from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class EnvcrimeConfig(AppConfig):
    default = True
    name = "envcrime"
    verbose_name = "EnvCrime"

    def ready(self):
        # checks registers the SITE_URL check; table_versions ties the cached pages and account rows to
        # the tables they were read from.
        from . import checks, table_versions  # noqa: F401

        table_versions.connect()


class PortalAdminConfig(AdminConfig):
    """Django's admin with the staff workplace as its site (the to-do panel on the index)."""

    default = False
    default_site = "envcrime.admin_site.WorkplaceAdminSite"
