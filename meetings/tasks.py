"""Thin Celery tasks: ids in, load, call, retry on transient mail errors."""

import smtplib

from celery import shared_task
from django.conf import settings

from .models import Registration

# SMTPException derives from OSError; OSError also covers a relay that refuses the connection.
TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, OSError)
MAIL_RETRY = {
    "autoretry_for": TRANSIENT_MAIL_ERRORS,
    "retry_backoff": getattr(settings, "MEETINGS_EMAIL_RETRY_BACKOFF_SECONDS", 2),
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


@shared_task(**MAIL_RETRY)
def send_registration_email(registration_id: int, event: str) -> None:
    from .notifications import send_registration_email as send

    registration = _registration(registration_id)
    if registration is not None:
        send(registration, event)


@shared_task(**MAIL_RETRY)
def notify_staff_of_pending_registration(registration_id: int) -> None:
    from .notifications import send_staff_pending_notice

    registration = _registration(registration_id)
    if registration is not None and registration.status == Registration.Status.PENDING:
        send_staff_pending_notice(registration)
