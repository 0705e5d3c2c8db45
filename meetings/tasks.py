"""Thin Celery tasks: ids in, load, call, retry on transient mail errors."""

import logging
import smtplib
from contextlib import contextmanager

from celery import shared_task
from django.conf import settings

from envcrime.emails import is_transient_smtp_error

from . import notifications
from .models import Registration
from .notifications import EVENT_STATUS

logger = logging.getLogger(__name__)

Status = Registration.Status

# SMTPException derives from OSError; OSError also covers a relay that refuses the connection.
# Only the transient ones reach Celery's autoretry: `_permanent_refusal_logged` stops the others.
MAIL_ERRORS = (smtplib.SMTPException, OSError)
MAIL_RETRY = {
    "autoretry_for": MAIL_ERRORS,
    "retry_backoff": settings.MEETINGS_EMAIL_RETRY_BACKOFF_SECONDS,
    # Kept far below the broker's visibility timeout, so a waiting retry is never delivered twice.
    "retry_backoff_max": 300,
    "retry_jitter": True,
    "max_retries": 8,
}


def _registration(registration_id: int) -> Registration | None:
    return (
        Registration.objects.select_related(
            "visit", "visit__host_country", "delegate", "member_country", "organisation"
        )
        .filter(pk=registration_id)
        .first()
    )


@contextmanager
def _permanent_refusal_logged(description: str):
    """Let transient mail errors through to the retry; log a permanent refusal (5xx) and give up at once."""
    try:
        yield
    except MAIL_ERRORS as error:
        if is_transient_smtp_error(error):
            raise
        # Retrying a final refusal only delays the report and can get the sender blocklisted.
        logger.error("%s not sent, refused for good: %r", description, error)


@shared_task(**MAIL_RETRY)
def send_registration_email(registration_id: int, event: str) -> None:
    registration = _registration(registration_id)
    if registration is None:
        return
    if registration.status != EVENT_STATUS.get(event, registration.status):
        logger.info(
            "%r email of registration %s not sent: the registration is %s now",
            event,
            registration_id,
            registration.status,
        )
        return
    with _permanent_refusal_logged(f"{event!r} email of registration {registration_id}"):
        notifications.send_registration_email(registration, event)


@shared_task(**MAIL_RETRY)
def notify_staff_of_pending_registration(registration_id: int) -> None:
    registration = _registration(registration_id)
    if registration is not None and registration.status == Status.PENDING:
        with _permanent_refusal_logged(f"staff notice of pending registration {registration_id}"):
            notifications.send_staff_pending_notice(registration)


@shared_task(**MAIL_RETRY)
def notify_liaison_of_nomination(registration_id: int) -> None:
    from .services import speaking_contact

    registration = _registration(registration_id)
    if registration is None or registration.status != Status.NOMINATED:
        return
    contact = speaking_contact(member_country=registration.member_country, organisation=registration.organisation)
    if contact is not None:
        with _permanent_refusal_logged(f"liaison notice of nomination {registration_id}"):
            notifications.send_liaison_nomination_notice(registration, contact)
