import functools

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext as _

from envcrime.caching import now_and_on_commit
from programmes.languages import page_language

# Recovery codes only back up a real second factor; a staff account holding nothing else has no
# second factor at all (an admin could have removed its TOTP, or the codes were imported).
SECOND_FACTOR_TYPES = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


SECOND_FACTOR_KEY = "mfa:second-factor:{}"


def user_has_second_factor(user) -> bool:
    """Cached per account (staff pages asked on every request); any change to its authenticators clears it."""
    key = SECOND_FACTOR_KEY.format(user.pk)
    has = cache.get(key)
    if has is None:
        has = Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()
        cache.set(key, has, timeout=3600)
    return has


@receiver([post_save, post_delete], sender=Authenticator, dispatch_uid="envcrime-second-factor-cache")
def forget_second_factor(sender, instance, **kwargs):
    key = SECOND_FACTOR_KEY.format(instance.user_id)
    # Again after the commit: a request between the write and the commit may have cached the old answer.
    now_and_on_commit(lambda: cache.delete(key))


@functools.cache
def _guarded_paths(script_prefix: str) -> tuple[tuple[str, ...], str]:
    """The guarded URL prefixes and the admin logout, reversed once per process (and script prefix)."""
    return (
        tuple(reverse(name) for name in StaffMFARequiredMiddleware.GUARDED_URL_NAMES),
        reverse("admin:logout"),
    )


class StaffMFARequiredMiddleware:
    """Staff must have a second factor (TOTP) before they can use the admin or the directory.

    allauth asks for the second factor at login from users who have one, but it cannot require one
    per role; this closes that gap. Switched by ENVCRIME_REQUIRE_STAFF_MFA (on whenever DEBUG is
    false). Guarded: the admin, the staff dashboard and the directory, whose contact details staff see
    in full. The MFA setup pages, reauthentication and logout are outside them, so a redirect here can
    never loop.
    """

    GUARDED_URL_NAMES = ("admin:index", "programmes:directory", "dashboard:index")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.ENVCRIME_REQUIRE_STAFF_MFA and self._must_set_up_mfa(request):
            messages.warning(
                request,
                _("Programme staff must set up two-factor authentication before using the administration."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _must_set_up_mfa(request) -> bool:
        guarded, logout = _guarded_paths(get_script_prefix())
        if not request.path.startswith(guarded):
            return False
        # Leaving must always be possible, whatever the state of the account.
        if request.path == logout:
            return False
        user = request.user
        return user.is_authenticated and user.is_active and user.is_staff and not user_has_second_factor(user)


class UserLanguageMiddleware:
    """A signed-in user's saved language applies to every page, the admin included.

    Runs after Django's LocaleMiddleware (which read the cookie or the browser's Accept-Language, and
    still sets Content-Language and Vary on the way out) and after authentication. No query: the
    account is loaded with its preferences and contact (envcrime.auth).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = page_language(request.user, picked=request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))
        if language and language != getattr(request, "LANGUAGE_CODE", None):
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
