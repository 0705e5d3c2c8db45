"""Who speaks for a member country or an organisation: the liaison who endorses its nominations."""

from django.db.models import Q

from programmes.models import Contact

from ..models import Registration


def _speaking_contacts():
    """Who endorses nominations: the active primary contact, with an active account, of an active
    member country or organisation (an organisation's own primary contact endorses its nominations)."""
    return (
        Contact.objects.active_primary()
        .filter(user__isnull=False, user__is_active=True)
        .filter(Q(member_country__is_active=True) | Q(organisation__is_active=True))
    )


def speaking_contact(*, member_country=None, organisation=None) -> Contact | None:
    """The liaison who endorses the nominations of this member country or organisation, if any."""
    affiliation = {"member_country": member_country} if member_country is not None else {"organisation": organisation}
    return _speaking_contacts().filter(**affiliation).select_related("user").order_by("pk").first()


def liaison_affiliation_filter(user) -> dict | None:
    """The registrations `user` may endorse as a liaison, as filter arguments; None for anybody else."""
    if not (user.is_authenticated and user.is_active):
        return None
    contact = _speaking_contacts().filter(user=user).first()
    if contact is None:
        return None
    if contact.member_country_id is not None:
        return {"member_country_id": contact.member_country_id}
    return {"organisation_id": contact.organisation_id}


def may_endorse_as_liaison(registration: Registration, user) -> bool:
    affiliation = liaison_affiliation_filter(user)
    return affiliation is not None and all(getattr(registration, key) == value for key, value in affiliation.items())
