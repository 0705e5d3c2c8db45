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
