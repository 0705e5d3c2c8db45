"""Thin Celery tasks: ids in, one service call, retries on transient SMTP errors.

Each task imports its service inside the function: the services enqueue these tasks, so neither
module imports the other when it is loaded.
"""

import logging

from celery import shared_task

from envcrime.emails import ReusableConnection

logger = logging.getLogger(__name__)

worker_connection = ReusableConnection()


@shared_task(bind=True, max_retries=None, acks_late=True, ignore_result=True)
def send_delivery(self, delivery_id: int):
    from .services.delivery import Outcome, delivery_send

    outcome = delivery_send(delivery_id=delivery_id, open_connection=worker_connection.get)
    if outcome.status in (Outcome.RETRY, Outcome.FAILED, Outcome.OVERTAKEN):
        worker_connection.reset()
    if outcome.status == Outcome.RETRY:
        raise self.retry(countdown=outcome.countdown)


@shared_task(ignore_result=True)
def sweep_stalled_deliveries():
    from .services.recovery import deliveries_sweep

    result = deliveries_sweep()
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
    from .services.delivery import Outcome, retry_countdown

    outcome = reminders.reminder_send(reminder_id=reminder_id, open_connection=worker_connection.get)
    if outcome in (Outcome.RETRY, Outcome.FAILED):
        worker_connection.reset()
    if outcome == Outcome.RETRY:
        raise self.retry(countdown=retry_countdown(self.request.retries + 1))


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
    from .services.delivery import retry_countdown

    try:
        followup_emails.report_returned_notify(report_id=report_id)
    except Exception as error:
        from envcrime.emails import is_transient_smtp_error

        if is_transient_smtp_error(error):
            raise self.retry(countdown=retry_countdown(self.request.retries + 1)) from error
        raise
