"""The admin site of the portal: the project layer, above the apps (it reads all of them)."""

from django.contrib import admin

from . import workplace


class WorkplaceAdminSite(admin.AdminSite):
    """The admin index starts from what needs doing (templates/admin/index.html shows `todo`)."""

    def index(self, request, extra_context=None):
        return super().index(request, {"todo": workplace.todo(request.user), **(extra_context or {})})
