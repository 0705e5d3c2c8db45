"""Follow-up emails as outbox rows: invitations when a cycle opens, reminders by beat, chases by staff.

A `Reminder` row is the truth, not the broker: planning creates each (kind, cycle or delivery,
country, step) at most once (unique constraints, `ignore_conflicts`), a task claims its row
(queued → sending, one conditional UPDATE) before talking to the relay, and the beat sweep hands rows
left `sending` by a killed worker back to the queue. So a step is never skipped, and is sent twice
only if the worker dies between the relay's acceptance and the row's update (the SMTP window every
outbox has; the same bound as package deliveries).
"""

import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from envcrime.emails import build_templated_email, is_transient_smtp_error
from programmes.models import Contact

from ..models import CountryReport, Delivery, RecommendationPackage, Reminder, ReportingCycle
from .delivery import Outcome, describe_error
from .distribution import publish_task_messages

logger = logging.getLogger(__name__)


class ReminderError(Exception):
    """A refused reminder action; the message is for the user."""


def _publish(reminder_ids: list[int]) -> None:
    from .. import tasks

    publish_task_messages(tasks.send_reminder, reminder_ids, rows="reminders")


def _enqueue(reminder_ids: list[int]) -> None:
    if reminder_ids:
        ids = list(reminder_ids)
        transaction.on_commit(lambda: _publish(ids))


def _rows(kind: str, contacts, *, step: int, now, cycle=None, by=None) -> list[Reminder]:
    return [
        Reminder(
            kind=kind,
            cycle=cycle,
            member_country_id=contact.member_country_id,
            step=step,
            contact=contact,
            email=contact.email,
            language=contact.preferred_language,
            created_at=now,
            created_by=by,
        )
        for contact in contacts
    ]


def _create(rows: list[Reminder], *, now) -> list[int]:
    """Insert the rows that do not exist yet and return their ids.

    PostgreSQL returns no id for rows inserted with `ignore_conflicts`; the new ones are those
    stamped with this run's time (an existing row keeps the time it was first created).
    """
    Reminder.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return list(Reminder.objects.filter(created_at=now, status=Reminder.Status.QUEUED).values_list("pk", flat=True))


def reminders_invite(*, cycle: ReportingCycle) -> int:
    """The invitation to report, one per member country with an active primary contact; sent on commit."""
    now = timezone.now()
    rows = _rows(Reminder.Kind.INVITATION, Contact.objects.addressed(), step=0, now=now, cycle=cycle)
    _enqueue(_create(rows, now=now))
    return len(rows)


def _not_submitted(cycle: ReportingCycle):
    """Primary contacts of the countries that owe the cycle a report (none yet, draft or returned)."""
    submitted = CountryReport.objects.filter(
        cycle=cycle, member_country=OuterRef("member_country"), status=CountryReport.Status.SUBMITTED
    )
    return Contact.objects.addressed().exclude(Exists(submitted))


def _cycle_step(cycle: ReportingCycle, today) -> tuple[str, int] | None:
    """The reminder step due today: the nearest due-soon window the cycle was open for, or the overdue week."""
    days_left = (cycle.due_date - today).days
    if days_left > 0:
        for days in sorted(settings.FOLLOWUP_DUE_SOON_DAYS):
            if days_left <= days:
                # A window that began before the cycle opened is covered by the invitation.
                if cycle.due_date - timedelta(days=days) >= timezone.localdate(cycle.opened_at):
                    return Reminder.Kind.DUE_SOON, days
                return None
        return None
    overdue_days = -days_left
    if overdue_days == 0:
        return None
    return Reminder.Kind.OVERDUE, min(1 + (overdue_days - 1) // 7, settings.FOLLOWUP_OVERDUE_MAX)


def _acknowledgement_rows(now) -> list[Reminder]:
    """Deliveries of published packages sent N, 2N… days ago that the country has not acknowledged."""
    after = settings.FOLLOWUP_ACK_REMINDER_AFTER_DAYS
    acknowledged = Delivery.objects.filter(
        package=OuterRef("package"), member_country=OuterRef("member_country"), acknowledged_at__isnull=False
    )
    deliveries = (
        Delivery.objects.filter(
            status=Delivery.Status.SENT,
            package__status=RecommendationPackage.Status.PUBLISHED,
            sent_at__lte=now - timedelta(days=after),
            contact__in=Contact.objects.addressed(),
        )
        .exclude(Exists(acknowledged))
        .select_related("contact")
    )
    rows = []
    for delivery in deliveries:
        step = min((now - delivery.sent_at).days // after, settings.FOLLOWUP_ACK_REMINDER_MAX)
        [row] = _rows(Reminder.Kind.ACKNOWLEDGEMENT, [delivery.contact], step=step, now=now)
        row.delivery = delivery
        rows.append(row)
    return rows


@transaction.atomic
def reminders_plan(*, now=None) -> int:
    """Create the reminders due now that do not exist yet, and enqueue them; idempotent."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = _acknowledgement_rows(now)
    for cycle in ReportingCycle.objects.filter(status=ReportingCycle.Status.OPEN):
        due = _cycle_step(cycle, today)
        if due is not None:
            kind, step = due
            rows += _rows(kind, _not_submitted(cycle), step=step, now=now, cycle=cycle)
    ids = _create(rows, now=now) if rows else []
    _enqueue(ids)
    return len(ids)


def reminders_sweep(*, now=None) -> int:
    """Rows left `sending` by a dead worker go back to the queue; every queued row is enqueued again.

    Harmless for rows whose message is still waiting in the broker: the claim lets one copy send.
    """
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.DELIVERY_STALE_AFTER_SECONDS)
    reset = Reminder.objects.filter(status=Reminder.Status.SENDING, claimed_at__lt=stale).update(
        status=Reminder.Status.QUEUED
    )
    queued = list(
        Reminder.objects.filter(status=Reminder.Status.QUEUED, created_at__lt=stale).values_list("pk", flat=True)
    )
    if queued:
        _publish(queued)
    return reset


def reminder_claim(*, reminder_id: int):
    now = timezone.now()
    claimed = Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.QUEUED).update(
        status=Reminder.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return now if claimed else None


def report_url(cycle_id: int) -> str:
    return settings.SITE_URL + reverse("followup:report", args=[cycle_id])


def reminder_send(*, reminder_id: int, open_connection: Callable) -> Outcome:
    """Claim, send, record: skipped (another copy won), sent, retry or failed."""
    claimed_at = reminder_claim(reminder_id=reminder_id)
    if claimed_at is None:
        return Outcome.SKIPPED
    reminder = Reminder.objects.select_related("cycle__package", "delivery__package", "member_country", "contact").get(
        pk=reminder_id
    )
    cycle = reminder.cycle
    try:
        build_templated_email(
            to=[reminder.email],
            template_prefix=f"recommendations/email/followup_{reminder.kind}",
            context={
                "reminder": reminder,
                "cycle": cycle,
                "package": cycle.package if cycle else reminder.delivery.package,
                "country": reminder.member_country,
                "contact": reminder.contact,
                "link": report_url(cycle.pk)
                if cycle
                else settings.SITE_URL + reverse("recommendations:package_detail", args=[reminder.delivery.package_id]),
            },
            language=reminder.language,
            connection=open_connection(),
        ).send(fail_silently=False)
    except Exception as error:
        transient = is_transient_smtp_error(error) and reminder.attempts < settings.DELIVERY_MAX_ATTEMPTS
        Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.SENDING, claimed_at=claimed_at).update(
            status=Reminder.Status.QUEUED if transient else Reminder.Status.FAILED,
            last_error=describe_error(error),
        )
        if not transient:
            logger.exception("reminder %s failed permanently", reminder_id)
        return Outcome.RETRY if transient else Outcome.FAILED
    Reminder.objects.filter(pk=reminder_id).exclude(status=Reminder.Status.SENT).update(
        status=Reminder.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return Outcome.SENT


@transaction.atomic
def reminder_chase(*, cycle: ReportingCycle, member_country, by) -> Reminder:
    """A reminder by staff now, to the country's primary contact: the next chase step of the country."""
    ReportingCycle.objects.select_for_update().get(pk=cycle.pk)  # numbers the steps one chase at a time
    contact = Contact.objects.addressed().filter(member_country=member_country).first()
    if contact is None:
        raise ReminderError(_("%(country)s has no active primary contact to remind.") % {"country": member_country})
    last = Reminder.objects.filter(kind=Reminder.Kind.CHASE, cycle=cycle, member_country=member_country).aggregate(
        last=Max("step")
    )["last"]
    [row] = _rows(Reminder.Kind.CHASE, [contact], step=(last or 0) + 1, now=timezone.now(), cycle=cycle, by=by)
    row.save()
    _enqueue([row.pk])
    return row


@transaction.atomic
def reminders_chase_late(*, cycle: ReportingCycle, by) -> int:
    """Chase every country that has not submitted once the due date has passed; the number chased."""
    cycle = ReportingCycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.due_date >= timezone.localdate():
        return 0
    contacts = list(_not_submitted(cycle))
    last_steps = dict(
        Reminder.objects.filter(kind=Reminder.Kind.CHASE, cycle=cycle)
        .values_list("member_country_id")
        .annotate(last=Max("step"))
    )
    now = timezone.now()
    rows = []
    for contact in contacts:
        [row] = _rows(
            Reminder.Kind.CHASE,
            [contact],
            step=last_steps.get(contact.member_country_id, 0) + 1,
            now=now,
            cycle=cycle,
            by=by,
        )
        rows.append(row)
    _enqueue([row.pk for row in Reminder.objects.bulk_create(rows, batch_size=1000)])
    return len(rows)
