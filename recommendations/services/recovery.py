"""Recovery: staff retries of failed deliveries and the beat sweeper for what a crash left behind."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Delivery, Distribution
from ..selectors.distribution import broker_queue_length
from .distribution import deliveries_enqueue, delivery_events_record, distributions_mark_finished


@transaction.atomic
def deliveries_retry_failed(*, distribution: Distribution, by) -> int:
    """Staff asked to try the failed deliveries again: only those, each recorded with who asked."""
    failed = list(
        Delivery.objects.select_for_update()
        .filter(distribution=distribution, status=Delivery.Status.FAILED)
        .values_list("pk", flat=True)
    )
    if not failed:
        return 0
    now = timezone.now()
    Delivery.objects.filter(pk__in=failed).update(
        status=Delivery.Status.QUEUED, attempts=0, queued_at=now, next_attempt_at=None, claimed_at=None
    )
    delivery_events_record(
        failed,
        at=now,
        from_status=Delivery.Status.FAILED,
        to_status=Delivery.Status.QUEUED,
        by=by,
        note=_("Retry requested by staff"),
    )
    Distribution.objects.filter(pk=distribution.pk).update(finished_at=None)
    deliveries_enqueue(failed)
    return len(failed)


@dataclass(frozen=True)
class SweepResult:
    reset: int
    requeued: int
    finished: int


@transaction.atomic
def deliveries_sweep(*, now=None) -> SweepResult:
    """Re-enqueue what a lost message or a killed worker left behind (run by Celery beat).

    `sending` rows claimed longer ago than the stale threshold belong to a dead worker: back to
    queued and enqueued again. A `queued` row whose due time passed the threshold may have lost its
    message, or may simply wait behind thousands of others: the row cannot tell. The broker can:
    while `send_delivery`'s queue holds messages the workers are still draining it, and each row's
    message will come; once it is empty, a stale queued row has no message left (or one a worker has
    just taken, which its claim makes harmless), so it is enqueued again. Its due time moves to now,
    so a row is re-enqueued at most once per threshold even while no worker runs. A re-enqueued row
    whose email had left before the crash is the one possible duplicate: at most one per task in flight.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.DELIVERY_STALE_AFTER_SECONDS)
    backlog = broker_queue_length()  # before taking any lock: a round trip to the broker
    stuck = list(
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(status=Delivery.Status.SENDING, claimed_at__lt=stale)
        .values_list("pk", flat=True)
    )
    if stuck:
        Delivery.objects.filter(pk__in=stuck, status=Delivery.Status.SENDING).update(
            status=Delivery.Status.QUEUED, next_attempt_at=now
        )
        delivery_events_record(
            stuck,
            at=now,
            from_status=Delivery.Status.SENDING,
            to_status=Delivery.Status.QUEUED,
            note=_("Claimed too long ago: reset by the sweeper"),
        )
    overdue = []
    if not backlog:
        overdue = list(
            Delivery.objects.select_for_update(skip_locked=True)
            .annotate(due_at=Coalesce("next_attempt_at", "queued_at"))
            .filter(status=Delivery.Status.QUEUED, due_at__lt=stale)
            .values_list("pk", flat=True)
        )
    if overdue:
        Delivery.objects.filter(pk__in=overdue).update(next_attempt_at=now)
    deliveries_enqueue(stuck + overdue)
    finished = distributions_mark_finished(Distribution.objects.all(), now=now)
    return SweepResult(len(stuck), len(overdue), finished)
