"""Sending one delivery: claim the row, send, record the outcome; retries with backoff."""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from envcrime.emails import build_templated_email, is_transient_smtp_error

from ..models import Delivery
from .distribution import delivery_events_record, distribution_mark_finished_if_done
from .links import delivery_link_url

logger = logging.getLogger(__name__)

EMAIL_TEMPLATE_PREFIX = "recommendations/email/package_distributed"
# Exponential backoff doubles per attempt; the cap keeps the whole schedule far below the Redis
# broker's visibility timeout (one hour), after which an unacked message would be redelivered.
MAX_RETRY_COUNTDOWN_SECONDS = 600


class Outcome(StrEnum):
    SKIPPED = "skipped"  # another copy of the task message claimed the row first
    SENT = "sent"
    RETRY = "retry"  # a transient failure: the task retries after `countdown`
    FAILED = "failed"
    # The attempt failed, but the sweeper had meanwhile handed the row to another claim, which decides.
    OVERTAKEN = "overtaken"


@dataclass(frozen=True)
class SendOutcome:
    status: Outcome
    countdown: int | None = None


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def delivery_claim(*, delivery_id: int) -> datetime | None:
    """queued → sending, as one conditional UPDATE: of two copies of a task message only one wins.

    Returns the time of the claim (None when another copy won): it names this claim, since the
    sweeper may hand a row claimed too long ago to another one.
    """
    now = timezone.now()
    claimed = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.QUEUED).update(
        status=Delivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1, next_attempt_at=None
    )
    return now if claimed else None


def _still_claimed(delivery_id: int, claimed_at: datetime):
    """The row, if this claim still owns it."""
    return Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.SENDING, claimed_at=claimed_at)


def delivery_send(*, delivery_id: int, open_connection: Callable) -> SendOutcome:
    """Claim the row, send one email, record the outcome. Constant queries.

    `open_connection()` returns an open email backend (a worker reuses one across tasks); it is
    called after the claim, so an unreachable relay counts as an attempt like any other failure.

    Deliberately not one transaction: the claim must be committed before talking to the relay, so
    a crash mid-send leaves a `sending` row the sweeper can see; no lock is held while waiting on SMTP.
    """
    claimed_at = delivery_claim(delivery_id=delivery_id)
    if claimed_at is None:
        return SendOutcome(Outcome.SKIPPED)
    delivery = Delivery.objects.select_related("package__visit", "contact").get(pk=delivery_id)
    try:
        message = build_templated_email(
            to=[delivery.email],
            template_prefix=EMAIL_TEMPLATE_PREFIX,
            context={
                "delivery": delivery,
                "package": delivery.package,
                "visit": delivery.package.visit,
                "contact": delivery.contact,
                "link": delivery_link_url(delivery.pk),
                "link_max_age_days": settings.PACKAGE_LINK_MAX_AGE_DAYS,
            },
            language=delivery.language,
            connection=open_connection(),
        )
        message.send(fail_silently=False)
    except Exception as error:
        if is_transient_smtp_error(error):
            outcome = delivery_defer(delivery=delivery, claimed_at=claimed_at, error=error)
        else:
            logger.exception("delivery %s failed permanently", delivery_id)
            outcome = delivery_fail(delivery=delivery, claimed_at=claimed_at, error=error)
        if outcome.status == Outcome.FAILED:
            distribution_mark_finished_if_done(distribution_id=delivery.distribution_id)
        return outcome
    # The message has left, so the row is sent, whichever claim owns it now. Had the sweeper handed
    # it to another claim meanwhile (this send outlasted the stale threshold), limiting the update to
    # our claim would leave a delivered email recorded as queued or sending: sent again, or reported
    # failed should the other attempt fail. The other claim's own outcome then changes nothing: a
    # failure only applies to a row still `sending` under its claim, a success only to a row not sent.
    now = timezone.now()
    Delivery.objects.filter(pk=delivery_id).exclude(status=Delivery.Status.SENT).update(
        status=Delivery.Status.SENT, sent_at=now, last_error="", next_attempt_at=None
    )
    distribution_mark_finished_if_done(distribution_id=delivery.distribution_id)
    return SendOutcome(Outcome.SENT)


def retry_countdown(attempts: int) -> int:
    base = settings.DELIVERY_RETRY_BACKOFF_SECONDS
    return min(base * 2 ** max(attempts - 1, 0), MAX_RETRY_COUNTDOWN_SECONDS)


@transaction.atomic
def delivery_defer(*, delivery: Delivery, claimed_at: datetime, error: BaseException) -> SendOutcome:
    """A transient failure: back to queued with a time for the next attempt, or failed when out of attempts.

    Only while the row is still this claim's (`claimed_at`); otherwise the claim that owns it now
    decides ("overtaken": no retry of this task).
    """
    if delivery.attempts >= settings.DELIVERY_MAX_ATTEMPTS:
        return delivery_fail(delivery=delivery, claimed_at=claimed_at, error=error)
    countdown = retry_countdown(delivery.attempts)
    deferred = _still_claimed(delivery.pk, claimed_at).update(
        status=Delivery.Status.QUEUED,
        next_attempt_at=timezone.now() + timedelta(seconds=countdown),
        last_error=_describe(error),
    )
    if not deferred:
        return SendOutcome(Outcome.OVERTAKEN)
    delivery_events_record(
        [delivery.pk],
        at=timezone.now(),
        from_status=Delivery.Status.SENDING,
        to_status=Delivery.Status.QUEUED,
        note=_("Attempt %(attempt)d failed, retrying in %(seconds)d s: %(error)s")
        % {"attempt": delivery.attempts, "seconds": countdown, "error": _describe(error)},
    )
    return SendOutcome(Outcome.RETRY, countdown)


@transaction.atomic
def delivery_fail(*, delivery: Delivery, claimed_at: datetime, error: BaseException) -> SendOutcome:
    """A permanent failure (or the last attempt): only while the row is still this claim's."""
    failed = _still_claimed(delivery.pk, claimed_at).update(
        status=Delivery.Status.FAILED, last_error=_describe(error), next_attempt_at=None
    )
    if not failed:
        return SendOutcome(Outcome.OVERTAKEN)
    delivery_events_record(
        [delivery.pk],
        at=timezone.now(),
        from_status=Delivery.Status.SENDING,
        to_status=Delivery.Status.FAILED,
        note=_("Attempt %(attempt)d failed: %(error)s") % {"attempt": delivery.attempts, "error": _describe(error)},
    )
    return SendOutcome(Outcome.FAILED)
