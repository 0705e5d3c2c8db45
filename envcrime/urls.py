from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _

from . import views
from .converters import IdConverter

# Registered before the apps' URLconfs are included: they use <id:pk> for primary keys.
register_converter(IdConverter, "id")

# The admin login goes through allauth (rate limits, MFA), never Django's own login form.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("EnvCrime Cooperation Portal — administration")
admin.site.site_title = _("EnvCrime administration")
admin.site.index_title = _("Programme workplace")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("language/", views.set_language, name="set_language"),
    path("directory/", include("programmes.urls")),
    path("visits/", include("meetings.urls")),
    path("packages/", include("recommendations.urls")),
    path("dashboard/", include("recommendations.dashboard_urls")),
    path("follow-up/", include("recommendations.urls_followup")),
]
