"""The language of an account: its pages, and everything the portal sends it.

A signed-in user's choice is saved on the account (`UserPreferences`); a liaison's contact rows follow
it, because distribution emails and reminders are addressed to contacts (`Contact.preferred_language`).
Anonymous visitors get the language cookie or their browser's Accept-Language (Django's LocaleMiddleware).
"""

from django.db import transaction
from django.utils import timezone

from .models import Contact, Language, UserPreferences

LANGUAGE_CODES = frozenset(Language.values)


def normalise_language(code: str | None) -> str | None:
    """One of the portal's languages ("fr-CA" → "fr"), or None."""
    code = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGE_CODES else None


def user_language(user) -> str | None:
    """The account's language: the one saved on it, else its active contact's (a liaison whom staff
    entered with a preferred language, before they ever switch), else None (then cookie or browser).

    No query of its own: the authentication backends (envcrime.auth) load the account with its
    preferences and contact in one query, and the answer is kept on the user object for the request.
    """
    return page_language(user, picked=None)


def page_language(user, *, picked: str | None) -> str | None:
    """The language a signed-in user's pages are in: the one saved on the account, else `picked` (a
    language picked on this browser, the switcher's cookie, before signing in too: it wins over a
    default that staff entered), else the active contact's; None for the request's own (cookie or browser).
    """
    if user is None or not user.is_authenticated:
        return None
    if "_envcrime_languages" not in user.__dict__:
        user.__dict__["_envcrime_languages"] = (_preference(user), _contact_language(user))
    saved, contact = user.__dict__["_envcrime_languages"]
    return saved or (None if normalise_language(picked) else contact)


def _preference(user) -> str | None:
    try:
        return normalise_language(user.preferences.language)
    except UserPreferences.DoesNotExist:
        return None


def _contact_language(user) -> str | None:
    try:
        contact = user.contact
    except Contact.DoesNotExist:
        return None
    return normalise_language(contact.preferred_language) if contact.is_active else None


@transaction.atomic
def user_language_set(*, user, language: str) -> UserPreferences:
    """Save the account's language; a liaison's contact rows get it too, so their emails follow."""
    language = normalise_language(language)
    if language is None:
        raise ValueError("not one of the portal's languages")
    preferences, _created = UserPreferences.objects.update_or_create(user=user, defaults={"language": language})
    Contact.objects.filter(user_id=user.pk).exclude(preferred_language=language).update(
        preferred_language=language, updated_at=timezone.now()
    )
    user.__dict__.pop("_envcrime_languages", None)
    # The cached reverse relation (loaded with the account) must not answer with the old value.
    user._state.fields_cache["preferences"] = preferences
    return preferences
