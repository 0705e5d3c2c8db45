"""The portal's three roles, as Django groups (created by a data migration)."""

from django.utils.translation import gettext_lazy as _

PROGRAMME_STAFF = "Programme staff"
LIAISON = "Liaison"
DELEGATE = "Delegate"

ROLE_LABELS = {
    PROGRAMME_STAFF: _("Programme staff"),
    LIAISON: _("Liaison"),
    DELEGATE: _("Delegate"),
}


def user_has_role(user, role: str) -> bool:
    if not user.is_authenticated:
        return False
    # Cached on the user object: templates and views ask several times per request.
    cache = user.__dict__.setdefault("_envcrime_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        user.__dict__["_envcrime_roles"] = cache
    return role in cache


def user_is_liaison(user) -> bool:
    return user_has_role(user, LIAISON)


def user_may_see_contacts(user) -> bool:
    """Contact details are personal data: programme staff and liaisons only."""
    return user.is_authenticated and user.is_active and (user.is_staff or user_is_liaison(user))
