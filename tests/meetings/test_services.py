import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from meetings import services
from meetings.forms import RegistrationForm
from meetings.models import Registration, RegistrationStatusChange, Visit
from tests.factories import (
    DelegateFactory,
    OrganisationFactory,
    RegistrationFactory,
    StaffFactory,
    VisitFactory,
    make_liaison,
    member_country,
)

from .factories import registration_data

pytestmark = pytest.mark.django_db
Status = Registration.Status


def submit(visit, user=None, **overrides):
    return services.registration_submit(
        visit=visit, user=user or DelegateFactory(), data=registration_data(visit, **overrides)
    )


def waitlisted(visit, *, minutes_ago):
    return RegistrationFactory(
        visit=visit,
        status=Status.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=timezone.now() - datetime.timedelta(minutes=minutes_ago),
    )


def test_endorsed_nominations_confirmed_while_seats_remain_then_waitlisted(django_capture_on_commit_callbacks):
    visit = VisitFactory(capacity=2)
    liaison, _contact = make_liaison("KE")
    nominations = [submit(visit), submit(visit), submit(visit)]
    assert {n.status for n in nominations} == {Status.NOMINATED}
    with django_capture_on_commit_callbacks(execute=True):
        first, second, third = (services.registration_endorse(registration=n, by=liaison) for n in nominations)
    assert [first.status, second.status, third.status] == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITLISTED]
    assert third.waitlisted_at is not None and first.confirmed_at is not None
    assert (first.endorsed_by, first.endorsed_by_staff) == (liaison, False)
    history = list(RegistrationStatusChange.objects.filter(registration=first))
    assert [(h.from_status, h.to_status, h.changed_by) for h in history] == [
        ("", Status.NOMINATED, first.delegate),
        (Status.NOMINATED, Status.CONFIRMED, liaison),
    ]
    subjects = sorted(message.subject for message in mail.outbox)
    assert subjects[0].startswith("You are on the waiting list")
    assert all(s.startswith("Your seat is confirmed") for s in subjects[1:])
    assert mail.outbox[0].attachments[0][0].endswith(".ics")


def test_requires_approval_keeps_pending_and_tells_staff(django_capture_on_commit_callbacks, settings):
    settings.STAFF_NOTIFICATION_EMAILS = ["review@example.org"]
    visit = VisitFactory(requires_approval=True, capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        registration = submit(visit)
    assert registration.status == Status.PENDING
    assert {tuple(m.to) for m in mail.outbox} == {(registration.delegate.email,), ("review@example.org",)}


def test_staff_confirm_beyond_capacity_is_refused():
    visit = VisitFactory(requires_approval=True, capacity=1)
    staff = StaffFactory()
    first, second = submit(visit), submit(visit)
    services.registration_confirm(registration=first, by=staff)
    with pytest.raises(services.VisitFull):
        services.registration_confirm(registration=second, by=staff)
    second.refresh_from_db()
    assert second.status == Status.PENDING
    change = first.status_changes.last()
    assert (change.from_status, change.to_status, change.changed_by) == (Status.PENDING, Status.CONFIRMED, staff)


def test_bulk_confirm_fills_seats_first_come_first_served_and_reports_the_rest():
    visit = VisitFactory(requires_approval=True, capacity=2)
    registrations = [submit(visit) for _ in range(3)]
    outcome = services.registrations_confirm(registration_ids=[r.pk for r in registrations], by=StaffFactory())
    assert [r.pk for r in outcome.done] == [r.pk for r in registrations[:2]]
    assert len(outcome.refused) == 1 and "full" in outcome.refused[0]
    assert Registration.objects.filter(visit=visit, status=Status.CONFIRMED).count() == 2


def test_cancel_promotes_the_first_waitlisted(django_capture_on_commit_callbacks):
    visit = VisitFactory(capacity=1)
    confirmed = RegistrationFactory(visit=visit)
    later = waitlisted(visit, minutes_ago=5)
    first = waitlisted(visit, minutes_ago=10)
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=confirmed, by=confirmed.delegate)
    first.refresh_from_db()
    later.refresh_from_db()
    assert first.status == Status.CONFIRMED and later.status == Status.WAITLISTED
    promotion = first.status_changes.get()
    assert (promotion.from_status, promotion.changed_by) == (Status.WAITLISTED, None)
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Registration cancelled", "A seat is yours"}
    promoted_mail = next(m for m in mail.outbox if m.to == [first.delegate.email])
    assert promoted_mail.attachments[0][2] == "text/calendar"


def test_decline_of_confirmed_promotes_too():
    visit = VisitFactory(capacity=1)
    confirmed = RegistrationFactory(visit=visit)
    queued = waitlisted(visit, minutes_ago=1)
    services.registration_decline(registration=confirmed, by=StaffFactory())
    queued.refresh_from_db()
    assert queued.status == Status.CONFIRMED


def test_closed_visit_refuses_and_saves_nothing():
    visit = VisitFactory(registration_closes_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(services.RegistrationClosed):
        submit(visit)
    draft = VisitFactory(status=Visit.Status.DRAFT)
    with pytest.raises(services.RegistrationClosed):
        submit(draft)
    assert not Registration.objects.exists()


def test_duplicate_is_refused_but_a_cancelled_registration_can_be_renewed():
    visit = VisitFactory(capacity=5)
    user = DelegateFactory()
    registration = submit(visit, user)
    with pytest.raises(services.AlreadyRegistered):
        submit(visit, user)
    services.registration_confirm(registration=registration, by=StaffFactory())
    services.registration_cancel(registration=registration, by=user)
    renewed = submit(visit, user, job_title="Director")
    assert renewed.pk == registration.pk
    # A renewed registration is vetted anew: the earlier endorsement does not carry over.
    assert (renewed.status, renewed.job_title, renewed.cancelled_at) == (Status.PENDING, "Director", None)
    assert (renewed.endorsed_at, renewed.vetted_by_staff) == (None, False)
    assert list(renewed.status_changes.values_list("to_status", flat=True)) == [
        Status.PENDING,
        Status.CONFIRMED,
        Status.CANCELLED,
        Status.PENDING,
    ]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"organisation": "ORG"}, "__all__"),  # both affiliations
        ({"member_country": None}, "__all__"),  # none
        ({"arrival_date": "far-before"}, "arrival_date"),
        ({"departure_date": "far-after"}, "departure_date"),
        ({"departure_date": "before-arrival"}, "departure_date"),
        ({"needs_visa_letter": True, "nationality": " "}, "nationality"),
        ({"job_title": " "}, "job_title"),
        ({"responsibilities": "x" * 2001}, "responsibilities"),
    ],
)
def test_bad_data_is_refused(overrides, field):
    visit = VisitFactory()
    days = datetime.timedelta(days=1)
    replacements = {
        "ORG": OrganisationFactory(),
        "far-before": visit.start_date - 8 * days,
        "far-after": visit.end_date + 8 * days,
        "before-arrival": visit.start_date - 2 * days,
    }
    overrides = {
        key: replacements.get(value, value) if isinstance(value, str) else value for key, value in overrides.items()
    }
    with pytest.raises(services.InvalidRegistration) as refused:
        submit(visit, **overrides)
    assert list(refused.value.errors) == [field]
    assert not Registration.objects.exists()


def test_the_form_and_the_service_share_one_rule():
    visit = VisitFactory()
    data = registration_data(visit, needs_visa_letter=True, nationality="")
    message = "Tell us your nationality so that we can write the invitation letter."
    assert services.registration_errors(visit=visit, data=data) == {"nationality": [message]}
    assert services.registration_errors(visit=visit, data=registration_data(visit)) == {}
    form_fields = set(RegistrationForm.base_fields)
    assert form_fields == set(services.FORM_FIELDS) and "language" not in form_fields


def test_an_unverified_email_address_cannot_register():
    visit = VisitFactory()
    delegate = DelegateFactory()
    EmailAddress.objects.filter(user=delegate).update(verified=False)
    with pytest.raises(services.EmailNotVerified) as refused:
        submit(visit, user=delegate)
    assert "verify your email address" in refused.value.message
    assert not Registration.objects.exists()
    EmailAddress.objects.filter(user=delegate).update(verified=True)
    assert submit(visit, user=delegate).delegate == delegate


def test_cannot_cancel_twice_or_after_the_visit_started():
    visit = VisitFactory()
    registration = RegistrationFactory(visit=visit)
    services.registration_cancel(registration=registration, by=registration.delegate)
    with pytest.raises(services.InvalidTransition):
        services.registration_cancel(registration=registration, by=registration.delegate)
    started = VisitFactory(
        start_date=timezone.localdate(),
        registration_opens_at=timezone.now() - datetime.timedelta(days=30),
        registration_closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    other = RegistrationFactory(visit=started)
    with pytest.raises(services.InvalidTransition):
        services.registration_cancel(registration=other, by=other.delegate)


def test_database_enforces_one_affiliation_and_one_registration_per_delegate():
    registration = RegistrationFactory()
    with pytest.raises(IntegrityError):
        RegistrationFactory(visit=registration.visit, delegate=registration.delegate)


def test_database_refuses_two_affiliations():
    with pytest.raises(IntegrityError):
        RegistrationFactory(organisation=OrganisationFactory(), member_country=member_country("KE"))


def test_raising_capacity_promotes_from_the_waiting_list_in_order():
    visit = VisitFactory(capacity=1)
    RegistrationFactory(visit=visit)
    first, second, third = (
        waitlisted(visit, minutes_ago=3),
        waitlisted(visit, minutes_ago=2),
        waitlisted(visit, minutes_ago=1),
    )
    promoted = services.visit_change_capacity(visit=visit, capacity=3)
    assert promoted == [first, second]
    assert [Registration.objects.get(pk=r.pk).status for r in (first, second, third)] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITLISTED,
    ]
    assert Visit.objects.get(pk=visit.pk).capacity == 3


def test_capacity_never_goes_below_the_confirmed_seats():
    visit = VisitFactory(capacity=3)
    RegistrationFactory(visit=visit)
    RegistrationFactory(visit=visit)
    with pytest.raises(services.CapacityBelowConfirmed) as refused:
        services.visit_change_capacity(visit=visit, capacity=1)
    assert refused.value.confirmed == 2 and "2 seats are confirmed" in refused.value.message
    assert Visit.objects.get(pk=visit.pk).capacity == 3
    assert services.visit_change_capacity(visit=visit, capacity=2) == []


def test_attendance_records_who_checked_in_and_refuses_strangers():
    visit = VisitFactory()
    staff = StaffFactory()
    present, absent = RegistrationFactory(visit=visit), RegistrationFactory(visit=visit)
    outcome = services.attendance_record(
        visit=visit, date=visit.start_date, present_registration_ids=[present.pk], by=staff
    )
    assert outcome.checked_in == 1
    attendance = present.attendances.get()
    assert attendance.checked_in_by == staff and not absent.attendances.exists()
    stranger = RegistrationFactory()
    with pytest.raises(services.RegistrationError):
        services.attendance_record(visit=visit, date=visit.start_date, present_registration_ids=[stranger.pk], by=staff)
    with pytest.raises(services.RegistrationError):
        services.attendance_record(
            visit=visit, date=visit.end_date + datetime.timedelta(days=1), present_registration_ids=[], by=staff
        )
    services.attendance_record(visit=visit, date=visit.start_date, present_registration_ids=[], by=staff)
    assert not present.attendances.exists()


def test_bulk_decline_of_a_confirmed_and_the_first_waitlisted_gives_the_seat_to_the_next_in_line(
    django_capture_on_commit_callbacks,
):
    # The bulk action once worked on rows loaded before the first promotion: declining A promoted B,
    # then B's stale copy was declined "as waitlisted", the freed seat stayed empty and B was told
    # both "a seat is yours" and "declined".
    visit = VisitFactory(capacity=1)
    confirmed = RegistrationFactory(visit=visit)
    first = waitlisted(visit, minutes_ago=10)
    next_in_line = waitlisted(visit, minutes_ago=5)
    staff = StaffFactory()
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.registrations_decline(registration_ids=[confirmed.pk, first.pk], by=staff)
    assert outcome.refused == [] and sorted(r.pk for r in outcome.done) == sorted([confirmed.pk, first.pk])
    for registration in (confirmed, first, next_in_line):
        registration.refresh_from_db()
    assert [confirmed.status, first.status, next_in_line.status] == [Status.DECLINED, Status.DECLINED, Status.CONFIRMED]

    def history(registration):
        return list(registration.status_changes.order_by("pk").values_list("from_status", "to_status", "changed_by"))

    assert history(confirmed) == [(Status.CONFIRMED, Status.DECLINED, staff.pk)]
    assert history(first) == [(Status.WAITLISTED, Status.DECLINED, staff.pk)]
    assert history(next_in_line) == [(Status.WAITLISTED, Status.CONFIRMED, None)]

    def subjects_to(registration):
        return [m.subject.split(":")[0] for m in mail.outbox if m.to == [registration.delegate.email]]

    assert subjects_to(confirmed) == ["Your registration"]
    assert subjects_to(first) == ["Your registration"]
    assert subjects_to(next_in_line) == ["A seat is yours"]


def test_bulk_decline_of_two_confirmed_promotes_two_in_order_of_the_waiting_list():
    visit = VisitFactory(capacity=2)
    confirmed = [RegistrationFactory(visit=visit) for _ in range(2)]
    later = waitlisted(visit, minutes_ago=1)
    earlier = waitlisted(visit, minutes_ago=20)
    last = waitlisted(visit, minutes_ago=0)
    services.registrations_decline(registration_ids=[r.pk for r in confirmed], by=StaffFactory())
    statuses = dict(Registration.objects.filter(visit=visit).values_list("pk", "status"))
    assert [statuses[r.pk] for r in (*confirmed, earlier, later, last)] == [
        Status.DECLINED,
        Status.DECLINED,
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITLISTED,
    ]


def test_bulk_confirm_and_waitlist_see_the_current_status():
    visit = VisitFactory(requires_approval=True, capacity=1)
    staff = StaffFactory()
    first, second = submit(visit), submit(visit)
    # A stale selection: the first was confirmed meanwhile (e.g. by a colleague).
    services.registration_confirm(registration=first, by=staff)
    outcome = services.registrations_waitlist(registration_ids=[first.pk, second.pk], by=staff)
    assert [r.pk for r in outcome.done] == [second.pk] and "is confirmed" in outcome.refused[0]
    outcome = services.registrations_confirm(registration_ids=[first.pk, second.pk], by=staff)
    assert outcome.done == [] and len(outcome.refused) == 2
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.CONFIRMED, Status.WAITLISTED)
