from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin with the staff workplace as its site (the to-do panel on the index)."""

    default_site = "envcrime.admin.WorkplaceAdminSite"
