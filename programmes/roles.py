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
    if "_envcrime_roles" not in user.__dict__:
        user.__dict__["_envcrime_roles"] = set(user.groups.values_list("name", flat=True))
    return role in user.__dict__["_envcrime_roles"]


def user_is_liaison(user) -> bool:
    return user_has_role(user, LIAISON)


def user_may_see_contacts(user) -> bool:
    """Contact details are personal data: programme staff and liaisons only."""
    return user.is_authenticated and user.is_active and (user.is_staff or user_is_liaison(user))
