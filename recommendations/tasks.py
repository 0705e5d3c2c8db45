"""Thin Celery tasks: ids in, one service call, retries on transient SMTP errors."""

import logging
import smtplib
import time

from celery import shared_task
from django.core.mail import get_connection

from . import services

logger = logging.getLogger(__name__)

# A relay drops connections that sit idle; past this, check with NOOP before reusing one.
IDLE_CHECK_AFTER_SECONDS = 10


class _WorkerConnection:
    """One SMTP connection per worker process, reused across tasks: opened lazily, dropped on error.

    Celery's prefork pool forks the children before any task runs, so each child opens its own.
    """

    def __init__(self):
        self.backend = None
        self.last_used = 0.0

    def get(self):
        if self.backend is not None and time.monotonic() - self.last_used > IDLE_CHECK_AFTER_SECONDS:
            smtp = getattr(self.backend, "connection", None)
            try:
                if smtp is not None:
                    smtp.noop()
            except (smtplib.SMTPException, OSError):
                self.reset()
        if self.backend is None:
            backend = get_connection(fail_silently=False)
            backend.open()
            self.backend = backend
        self.last_used = time.monotonic()
        return self.backend

    def reset(self):
        if self.backend is not None:
            try:
                self.backend.close()
            except Exception:  # a broken connection may fail to close; it is dropped either way
                logger.debug("closing a broken SMTP connection failed", exc_info=True)
        self.backend = None


worker_connection = _WorkerConnection()


@shared_task(bind=True, max_retries=None, acks_late=True, ignore_result=True)
def send_delivery(self, delivery_id: int):
    outcome = services.delivery_send(delivery_id=delivery_id, open_connection=worker_connection.get)
    if outcome.status in ("retry", "failed", "overtaken"):
        # After an SMTP error the session may be in any state: start the next message afresh.
        worker_connection.reset()
    if outcome.status == "retry":
        raise self.retry(countdown=outcome.countdown)


@shared_task(ignore_result=True)
def sweep_stalled_deliveries():
    result = services.deliveries_sweep()
    if result.reset or result.requeued or result.finished:
        logger.info(
            "sweeper: %d stuck sending reset, %d queued re-enqueued, %d distributions finished",
            result.reset,
            result.requeued,
            result.finished,
        )


# --- Follow-up ----------------------------------------------------------------------------------


@shared_task(bind=True, max_retries=None, acks_late=True, ignore_result=True)
def send_reminder(self, reminder_id: int):
    from .services import reminders

    outcome = reminders.reminder_send(reminder_id=reminder_id, open_connection=worker_connection.get)
    if outcome in ("retry", "failed"):
        worker_connection.reset()
    if outcome == "retry":
        raise self.retry(countdown=services.retry_countdown(self.request.retries + 1))


@shared_task(ignore_result=True)
def plan_followup_reminders():
    from .services import reminders

    reset = reminders.reminders_sweep()
    created = reminders.reminders_plan()
    if reset or created:
        logger.info("follow-up reminders: %d created, %d stuck sending reset", created, reset)


@shared_task(bind=True, max_retries=5, acks_late=True, ignore_result=True)
def send_report_returned(self, report_id: int):
    from .services import followup_emails

    try:
        followup_emails.report_returned_notify(report_id=report_id)
    except Exception as error:
        from envcrime.emails import is_transient_smtp_error

        if is_transient_smtp_error(error):
            raise self.retry(countdown=services.retry_countdown(self.request.retries + 1)) from error
        raise
