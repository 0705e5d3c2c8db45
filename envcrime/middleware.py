from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _


class StaffMFARequiredMiddleware:
    """Staff must have a TOTP authenticator before they can use the admin.

    allauth enforces MFA at login for users who have an authenticator, but it cannot require one
    per role; this closes that gap. Switched by ENVCRIME_REQUIRE_STAFF_MFA (always on in production).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.ENVCRIME_REQUIRE_STAFF_MFA and self._is_admin_request(request):
            user = request.user
            if (
                user.is_authenticated
                and user.is_staff
                and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
            ):
                messages.warning(
                    request,
                    _("Programme staff must set up two-factor authentication before using the administration."),
                )
                return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

    @staticmethod
    def _is_admin_request(request) -> bool:
        return request.path.startswith(reverse("admin:index"))
