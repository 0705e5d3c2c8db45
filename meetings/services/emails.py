"""The registration emails, sent by the worker: each reads the registration again and sends only the news
its current status still supports (a confirmation is not sent for a registration cancelled since)."""

import logging

from .. import notifications
from ..models import Registration
from ..notifications import EVENT_STATUS
from .common import Status
from .liaisons import speaking_contact

logger = logging.getLogger(__name__)


def _registration(registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_related(
            "visit", "visit__host_country", "delegate", "member_country", "organisation"
        )
        .filter(pk=registration_id)
        .first()
    )


def registration_email_send(*, registration_id: int, event: str) -> bool:
    """Email the delegate about `event` (confirmed, waitlisted…); False when there is nothing to send any more."""
    registration = _registration(registration_id)
    if registration is None:
        return False
    if registration.status != EVENT_STATUS.get(event, registration.status):
        logger.info(
            "%r email of registration %s not sent: the registration is %s now",
            event,
            registration_id,
            registration.status,
        )
        return False
    notifications.send_registration_status_email(registration, event)
    return True


def staff_pending_notice_send(*, registration_id: int) -> bool:
    """Tell programme staff a registration awaits their decision, while it still does."""
    registration = _registration(registration_id)
    if registration is None or registration.status != Status.PENDING:
        return False
    notifications.send_staff_pending_notice(registration)
    return True


def liaison_nomination_notice_send(*, registration_id: int) -> bool:
    """Tell the liaison a nomination awaits their endorsement, while it still does and they still speak for it."""
    registration = _registration(registration_id)
    if registration is None or registration.status != Status.NOMINATED:
        return False
    contact = speaking_contact(member_country=registration.member_country, organisation=registration.organisation)
    if contact is None:
        return False
    notifications.send_liaison_nomination_notice(registration, contact)
    return True
