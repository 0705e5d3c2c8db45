"""Planning follow-up reminders (which step is due, for whom) and sending one row, in process."""

from datetime import datetime, timedelta
from datetime import time as clock

import pytest
from django.core.mail import get_connection
from django.utils import timezone

from recommendations.models import CountryReport, Delivery, Reminder
from recommendations.services import reminders
from tests.factories import member_country

from .factories import distributed_package, open_cycle, primary_contact

pytestmark = pytest.mark.django_db


def at_noon(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, clock(12)))


def planned(now) -> set:
    reminders.reminders_plan(now=now)
    return set(Reminder.objects.values_list("kind", "step", "member_country__iso2"))


@pytest.fixture
def acknowledged_package():
    package = distributed_package(countries=("KE", "NP"))
    Delivery.objects.update(acknowledged_at=timezone.now())
    return package


def test_a_due_soon_window_that_began_before_the_cycle_opened_is_covered_by_the_invitation(acknowledged_package):
    cycle = open_cycle(acknowledged_package, due_in_days=10)
    assert planned(timezone.now()) == set()
    assert planned(at_noon(cycle.due_date - timedelta(days=3))) == {("due_soon", 3, "KE"), ("due_soon", 3, "NP")}
    assert planned(at_noon(cycle.due_date)) == {("due_soon", 3, "KE"), ("due_soon", 3, "NP")}, "nothing on the day"


def test_overdue_reminders_are_weekly_and_stop_at_the_configured_maximum(acknowledged_package, settings):
    settings.FOLLOWUP_OVERDUE_MAX = 2
    cycle = open_cycle(acknowledged_package, due_in_days=2)
    CountryReport.objects.create(
        cycle=cycle, member_country=member_country("NP"), status="returned", submission_count=1
    )
    due = cycle.due_date
    assert planned(at_noon(due + timedelta(days=1))) == {("overdue", 1, "KE"), ("overdue", 1, "NP")}
    assert reminders.reminders_plan(now=at_noon(due + timedelta(days=6))) == 0
    assert reminders.reminders_plan(now=at_noon(due + timedelta(days=8))) == 2
    for days in (15, 22, 60):
        assert reminders.reminders_plan(now=at_noon(due + timedelta(days=days))) == 0
    assert Reminder.objects.filter(kind="overdue").count() == 4


def test_a_country_that_submitted_gets_no_cycle_reminder(acknowledged_package):
    cycle = open_cycle(acknowledged_package, due_in_days=-1)
    CountryReport.objects.create(
        cycle=cycle,
        member_country=member_country("KE"),
        status="submitted",
        submitted_at=timezone.now(),
        submission_count=1,
    )
    assert planned(timezone.now()) == {("overdue", 1, "NP")}


def test_acknowledgement_reminders_every_n_days_at_most_m_times_never_to_who_acknowledged(settings):
    settings.FOLLOWUP_ACK_REMINDER_AFTER_DAYS = 14
    settings.FOLLOWUP_ACK_REMINDER_MAX = 2
    distributed_package(countries=("KE", "NP"))
    Delivery.objects.filter(member_country__iso2="NP").update(acknowledged_at=timezone.now())
    now = timezone.now()
    assert planned(now + timedelta(days=13)) == set()
    assert planned(now + timedelta(days=15)) == {("acknowledgement", 1, "KE")}
    assert reminders.reminders_plan(now=now + timedelta(days=16)) == 0
    assert planned(now + timedelta(days=29)) == {("acknowledgement", 1, "KE"), ("acknowledgement", 2, "KE")}
    assert reminders.reminders_plan(now=now + timedelta(days=90)) == 0
    (row,) = Reminder.objects.filter(step=2)
    assert row.delivery.member_country.iso2 == "KE" and row.cycle is None


def test_planned_reminders_are_emailed_on_commit_in_the_contacts_language(
    acknowledged_package, django_capture_on_commit_callbacks, mailoutbox
):
    kenya = primary_contact("KE")
    kenya.preferred_language = "fr"
    kenya.save(update_fields=["preferred_language"])
    cycle = open_cycle(acknowledged_package, due_in_days=-1)
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders.reminders_plan() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([kenya.email, primary_contact("NP").email])
    message = next(m for m in mailoutbox if m.to == [kenya.email])
    assert f"/follow-up/{cycle.pk}/" in message.body
    assert 'lang="fr"' in message.alternatives[0][0]
    assert set(Reminder.objects.values_list("status", "language")) == {("sent", "fr"), ("sent", "en")}


def test_the_sweep_hands_back_only_rows_claimed_too_long_ago(acknowledged_package, settings):
    settings.DELIVERY_STALE_AFTER_SECONDS = 60
    cycle = open_cycle(acknowledged_package, due_in_days=-1)
    reminders.reminders_plan()
    stuck, fresh = Reminder.objects.order_by("pk")
    Reminder.objects.filter(pk=stuck.pk).update(status="sending", claimed_at=timezone.now() - timedelta(minutes=5))
    Reminder.objects.filter(pk=fresh.pk).update(status="sending", claimed_at=timezone.now())
    assert reminders.reminders_sweep() == 1
    stuck.refresh_from_db()
    fresh.refresh_from_db()
    assert (stuck.status, fresh.status) == ("queued", "sending")
    assert cycle.reminders.count() == 2


def test_sending_a_row_claims_it_once_and_records_refusals(acknowledged_package, smtp_server):
    open_cycle(acknowledged_package, due_in_days=-1)
    reminders.reminders_plan()
    kenya, nepal = (Reminder.objects.get(member_country__iso2=iso2) for iso2 in ("KE", "NP"))
    smtp_server.refuse(kenya.email, times=1)

    def send(reminder):
        return reminders.reminder_send(reminder_id=reminder.pk, open_connection=lambda: get_connection())

    assert send(kenya) == "retry"
    kenya.refresh_from_db()
    assert kenya.status == "queued" and "451" in kenya.last_error
    assert send(kenya) == "sent"
    assert send(kenya) == "skipped", "a second copy of the task finds the row sent"
    # The relay's refusal code is one for all addresses: a permanent one only now.
    smtp_server.refuse(nepal.email, code="550 5.1.1 No such mailbox")
    assert send(nepal) == "failed"
    nepal.refresh_from_db()
    assert nepal.status == "failed" and "550" in nepal.last_error
    assert [m.rcpt_tos for m in smtp_server.messages] == [[kenya.email]]
