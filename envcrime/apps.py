from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig


class EnvcrimeConfig(AppConfig):
    default = True
    name = "envcrime"
    verbose_name = "EnvCrime"

    def ready(self):
        # checks registers the SITE_URL check; invalidation ties the cached pages to the rows they show.
        from . import checks, invalidation  # noqa: F401

        invalidation.connect()


class PortalAdminConfig(AdminConfig):
    """Django's admin with the staff workplace as its site (the to-do panel on the index)."""

    default = False
    default_site = "envcrime.admin_site.WorkplaceAdminSite"
