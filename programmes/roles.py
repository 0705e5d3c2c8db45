"""The portal's roles.

Programme staff and delegates are Django groups (created by a data migration). Being a liaison is
not a group: it follows from the account's link to an active contact of a member country
(`Contact.user`). The Liaison group is therefore no source of truth: a staff member who adds it to
an account grants nothing (a security probe showed that a delegate given the group by hand read
every contact's details with no Contact behind the account). The group is kept only as a label in
the admin, in step with the link by `programmes.signals`, so staff filtering users by role still
see the liaisons.
"""

from django.utils.translation import gettext_lazy as _

from .models import Contact, Organisation

PROGRAMME_STAFF = "Programme staff"
LIAISON = "Liaison"
DELEGATE = "Delegate"

ROLE_LABELS = {
    PROGRAMME_STAFF: _("Programme staff"),
    LIAISON: _("Liaison"),
    DELEGATE: _("Delegate"),
}


def liaison_contacts():
    """The contacts that make their account a liaison: active, of an active member country."""
    return Contact.objects.filter(is_active=True, member_country__is_active=True)


def _per_request(user, key: str, lookup):
    """`lookup()` once per user object (which lives for one request), None for anonymous or inactive
    accounts: the context processor, the views and the selectors can all ask without another query."""
    if not (user.is_authenticated and user.is_active):
        return None
    if key not in user.__dict__:
        user.__dict__[key] = lookup()
    return user.__dict__[key]


def liaison_contact_of(user):
    """The active member-country contact linked to the account, or None; one query per request, none
    when the account was loaded with its contact and the contact's country (envcrime.auth does)."""
    return _per_request(user, "_envcrime_liaison_contact", lambda: _liaison_contact_lookup(user))


def _liaison_contact_lookup(user):
    if _contact_loaded_with_country(user):
        contact = user._state.fields_cache["contact"]
        if contact is not None and contact.is_active and contact.member_country_id and contact.member_country.is_active:
            return contact
        return None
    return liaison_contacts().select_related("member_country").filter(user_id=user.pk).first()


def _contact_loaded_with_country(user) -> bool:
    """Whether the account's contact (or its absence) and that contact's member country are already
    loaded on this user object: then they are exactly the rows the query would read in this request."""
    cache = getattr(getattr(user, "_state", None), "fields_cache", {})
    if "contact" not in cache:
        return False
    contact = cache["contact"]
    return contact is None or contact.member_country_id is None or "member_country" in contact._state.fields_cache


def user_speaks_for_country(user, member_country_id: int) -> bool:
    """A liaison of that member country (any of its active contacts with an account: its team)."""
    contact = liaison_contact_of(user)
    return contact is not None and contact.member_country_id == member_country_id


def user_is_liaison(user) -> bool:
    return liaison_contact_of(user) is not None


def user_may_see_contacts(user) -> bool:
    """Contact details are personal data: programme staff and liaisons only."""
    return user.is_authenticated and user.is_active and (user.is_staff or user_is_liaison(user))


def country_team(member_country_id: int):
    """The country's team: every active contact of the country whose account is active."""
    return liaison_contacts().filter(member_country_id=member_country_id, user__isnull=False, user__is_active=True)


def network_of(user):
    """The active regional network the account is a contact of, or None; one query per request, cached."""

    def lookup():
        contact = (
            Contact.objects.filter(
                user_id=user.pk,
                is_active=True,
                organisation__is_active=True,
                organisation__kind=Organisation.Kind.REGIONAL_NETWORK,
            )
            .select_related("organisation")
            .first()
        )
        return contact.organisation if contact else None

    return _per_request(user, "_envcrime_network", lookup)
