"""Thin Celery tasks: ids in, one service call, retries on transient SMTP errors.

Each task imports its service inside the function: the services enqueue these tasks, so neither
module imports the other when it is loaded.
"""

import logging
from collections import defaultdict

from celery import shared_task
from celery.signals import worker_init, worker_process_init

from envcrime.emails import ReusableConnection

logger = logging.getLogger(__name__)

worker_connection = ReusableConnection()


@worker_init.connect
def _warm_before_fork(**kwargs):
    """In the worker's main process, before the pool forks: every child starts with the distribution
    email's templates compiled, the catalogs of every language loaded and the URL resolver built."""
    from .services.delivery import delivery_email_warm

    delivery_email_warm()


@worker_process_init.connect
def _connect_before_the_first_task(**kwargs):
    """In each pool child (Celery's fixup has just closed the connections it inherited): open its own
    database and SMTP connections now rather than on its first task. A failure here is not fatal: the
    first task opens them again and handles the error."""
    from django.db import connection

    try:
        connection.ensure_connection()
        worker_connection.get()
    except Exception:  # the task that needs the connection reports it
        logger.warning("could not connect ahead of the first task", exc_info=True)
        worker_connection.reset()


def _send_batch(delivery_ids: list[int]) -> None:
    from .services.delivery import Outcome, deliveries_send

    outcomes = deliveries_send(
        delivery_ids=delivery_ids, open_connection=worker_connection.get, drop_connection=worker_connection.reset
    )
    # Each transient failure waits out its own backoff in a message of its own (grouped by delay);
    # rows the batch gave back for lack of time go out again at once.
    later = defaultdict(list)
    for pk, outcome in outcomes.items():
        if outcome.status == Outcome.RETRY:
            later[outcome.countdown].append(pk)
        elif outcome.status == Outcome.RELEASED:
            later[None].append(pk)
    for countdown, ids in later.items():
        send_deliveries.apply_async((ids,), countdown=countdown)


# Acknowledged after it ran (acks_late), one message per pool process at a time (prefetch 1, in
# settings): a killed worker holds at most one batch per process, whose rows the sweeper recovers.
# No result: progress is counted from rows.
@shared_task(acks_late=True, ignore_result=True)
def send_deliveries(delivery_ids: list[int]):
    _send_batch(list(delivery_ids))


@shared_task(acks_late=True, ignore_result=True)
def send_delivery(delivery_id: int):
    """One delivery per message: what was published before batches; still run if any is left."""
    _send_batch([delivery_id])


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
