"""Thin Celery tasks: ids in, one service call, retries on transient mail errors."""

import logging
import smtplib
from contextlib import contextmanager

from celery import shared_task
from django.conf import settings

from envcrime.emails import is_transient_smtp_error

logger = logging.getLogger(__name__)

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


# The services import this module to enqueue the tasks on commit; each task imports its service when it
# runs, so the two modules never import each other at load time.


@shared_task(**MAIL_RETRY)
def send_registration_email(registration_id: int, event: str) -> None:
    from .services.emails import registration_email_send

    with _permanent_refusal_logged(f"{event!r} email of registration {registration_id}"):
        registration_email_send(registration_id=registration_id, event=event)


@shared_task(**MAIL_RETRY)
def notify_staff_of_pending_registration(registration_id: int) -> None:
    from .services.emails import staff_pending_notice_send

    with _permanent_refusal_logged(f"staff notice of pending registration {registration_id}"):
        staff_pending_notice_send(registration_id=registration_id)


@shared_task(**MAIL_RETRY)
def notify_liaison_of_nomination(registration_id: int) -> None:
    from .services.emails import liaison_nomination_notice_send

    with _permanent_refusal_logged(f"liaison notice of nomination {registration_id}"):
        liaison_nomination_notice_send(registration_id=registration_id)
