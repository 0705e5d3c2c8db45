from allauth.account.decorators import secure_admin_login
from allauth.account.views import login
from django.contrib import admin
from django.urls import include, path, register_converter
from django.utils.translation import gettext_lazy as _

from . import views
from .caching import cache_anonymous_page
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
    # allauth's sign-in page, its rendered form cached per language with each visitor's CSRF token filled in.
    path("accounts/login/", cache_anonymous_page(login, csrf=True), name="account_login"),
    path("accounts/", include("allauth.urls")),
    path("language/", views.set_language, name="set_language"),
    path("directory/", include("programmes.urls")),
    path("visits/", include("meetings.urls")),
    path("packages/", include("recommendations.urls")),
    path("dashboard/", include("recommendations.dashboard_urls")),
    path("follow-up/", include("recommendations.urls_followup")),
]
