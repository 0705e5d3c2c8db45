"""A delegate's registration through its life: submitted, cancelled, confirmed, declined, waitlisted (also in bulk)."""

from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Registration, Visit
from ..tasks import notify_liaison_of_nomination, notify_staff_of_pending_registration
from .common import (
    TIMESTAMP_FIELDS,
    AlreadyRegistered,
    InvalidRegistration,
    InvalidTransition,
    RegistrationClosed,
    RegistrationError,
    Status,
    VisitFull,
    change_status,
    confirmed_count,
    email_on_commit,
    email_verification_error,
    fill_from_waitlist,
    lock_registration,
    lock_visit,
    record_change,
)
from .liaisons import speaking_contact
from .rules import DATA_FIELDS, VETTING_FIELDS, RegistrationData, registration_errors


@transaction.atomic
def registration_submit(*, visit: Visit, user, data: RegistrationData) -> Registration:
    """Register `user` for `visit`: nominated when a liaison endorses first, else pending for staff.

    Raises EmailNotVerified, RegistrationClosed, InvalidRegistration (with `errors` by field) or AlreadyRegistered.
    """
    if error := email_verification_error(user):
        raise error
    visit = lock_visit(visit.pk)
    now = timezone.now()
    if not visit.is_open_for_registration(now):
        raise RegistrationClosed(_("Registration for this visit is closed."))
    if errors := registration_errors(visit=visit, data=data):
        raise InvalidRegistration(errors)

    existing = Registration.objects.select_for_update().filter(visit=visit, delegate=user).first()
    if existing is not None and existing.status != Status.CANCELLED:
        raise AlreadyRegistered(_("You are already registered for this visit."))

    # Nobody speaks for a country by signing up: its liaison endorses the nomination first; where
    # there is no liaison able to (none with an account, or the delegate is the liaison), staff vet it.
    liaison = speaking_contact(member_country=data.member_country, organisation=data.organisation)
    values = {name: getattr(data, name) for name in DATA_FIELDS}
    # changed_by is the delegate for their own actions.
    affiliation = {"affiliation": data.member_country or data.organisation}
    if liaison is not None and liaison.user_id != user.pk:
        status = Status.NOMINATED
        note = _("Submitted by the delegate; awaiting the endorsement of %(affiliation)s") % affiliation
    else:
        status = Status.PENDING
        if liaison is None:
            note = _("Submitted by the delegate; %(affiliation)s has no liaison with an account: staff approval") % (
                affiliation
            )
        else:
            note = (
                _("Submitted by the liaison of %(affiliation)s: a liaison cannot endorse themselves, staff approval")
                % affiliation
            )
    if existing is None:
        registration = Registration(visit=visit, delegate=user, status=status, submitted_at=now, **values)
        if status in TIMESTAMP_FIELDS:
            setattr(registration, TIMESTAMP_FIELDS[status], now)
        try:
            # A savepoint keeps the transaction usable if the unique constraint fires anyway.
            with transaction.atomic():
                registration.save()
        except IntegrityError as error:
            raise AlreadyRegistered(_("You are already registered for this visit.")) from error
        record_change(registration, "", status, by=user, note=note, now=now)
    else:
        # A delegate who cancelled may register again: the row (unique per visit and delegate) is
        # reused and reset, and its status history keeps the earlier cancellation.
        registration = existing
        for name, value in {**values, **VETTING_FIELDS}.items():
            setattr(registration, name, value)
        for name in TIMESTAMP_FIELDS.values():
            setattr(registration, name, None)
        registration.submitted_at = now
        change_status(
            registration,
            status,
            by=user,
            note=note,
            now=now,
            extra_fields=[*DATA_FIELDS, *VETTING_FIELDS, *TIMESTAMP_FIELDS.values(), "submitted_at"],
        )

    if status == Status.NOMINATED:
        email_on_commit(registration, "nominated")
        notify_liaison_of_nomination.delay_on_commit(registration.pk)
    else:
        email_on_commit(registration, "received")
        notify_staff_of_pending_registration.delay_on_commit(registration.pk)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by) -> Registration:
    """The delegate withdraws; a confirmed seat goes to the first person on the waiting list."""
    visit = lock_visit(registration.visit_id)
    registration = lock_registration(registration.pk)
    if registration.status not in (Status.NOMINATED, Status.PENDING, Status.CONFIRMED, Status.WAITLISTED):
        raise InvalidTransition(_("This registration cannot be cancelled any more."))
    if visit.has_started:
        raise InvalidTransition(_("The visit has started: please contact programme staff."))
    was_confirmed = registration.status == Status.CONFIRMED
    now = timezone.now()
    change_status(registration, Status.CANCELLED, by=by, note=_("Cancelled by the delegate"), now=now)
    email_on_commit(registration, "cancelled")
    if was_confirmed:
        fill_from_waitlist(visit, now=now)
    return registration


def confirm_locked(visit: Visit, registration: Registration, *, by, now) -> Registration:
    if registration.status not in (Status.PENDING, Status.WAITLISTED):
        raise InvalidTransition(
            _("%(name)s is %(status)s and cannot be confirmed.")
            % {"name": registration.full_name, "status": registration.get_status_display().lower()}
        )
    if confirmed_count(visit) >= visit.capacity:
        raise VisitFull(
            _("%(visit)s is full (%(capacity)s seats): %(name)s was not confirmed.")
            % {"visit": visit.title, "capacity": visit.capacity, "name": registration.full_name}
        )
    event = "promoted" if registration.status == Status.WAITLISTED else "confirmed"
    registration.vetted_by_staff = True
    change_status(
        registration,
        Status.CONFIRMED,
        by=by,
        note=_("Confirmed by programme staff"),
        now=now,
        extra_fields=["vetted_by_staff"],
    )
    email_on_commit(registration, event)
    return registration


def decline_locked(visit: Visit, registration: Registration, *, by, now, fill_seat: bool = True) -> Registration:
    # Staff may also decline a confirmed or waitlisted delegate (e.g. a nomination withdrawn by the
    # delegate's authority); a confirmed seat freed this way goes to the waiting list at once, or,
    # in a bulk action (fill_seat=False), once every selected registration has been declined.
    if registration.status not in (Status.NOMINATED, Status.PENDING, Status.WAITLISTED, Status.CONFIRMED):
        raise InvalidTransition(
            _("%(name)s is %(status)s and cannot be declined.")
            % {"name": registration.full_name, "status": registration.get_status_display().lower()}
        )
    was_confirmed = registration.status == Status.CONFIRMED
    change_status(registration, Status.DECLINED, by=by, note=_("Declined by programme staff"), now=now)
    email_on_commit(registration, "declined")
    if was_confirmed and fill_seat:
        fill_from_waitlist(visit, now=now)
    return registration


def waitlist_locked(visit: Visit, registration: Registration, *, by, now) -> Registration:
    if registration.status != Status.PENDING:
        raise InvalidTransition(
            _("%(name)s is %(status)s and cannot be moved to the waiting list.")
            % {"name": registration.full_name, "status": registration.get_status_display().lower()}
        )
    registration.vetted_by_staff = True
    change_status(
        registration,
        Status.WAITLISTED,
        by=by,
        note=_("Waitlisted by programme staff"),
        now=now,
        extra_fields=["vetted_by_staff"],
    )
    email_on_commit(registration, "waitlisted")
    return registration


@transaction.atomic
def registration_confirm(*, registration: Registration, by) -> Registration:
    """Staff confirm a pending or waitlisted registration; refused when the visit is full."""
    visit = lock_visit(registration.visit_id)
    return confirm_locked(visit, lock_registration(registration.pk), by=by, now=timezone.now())


@transaction.atomic
def registration_decline(*, registration: Registration, by) -> Registration:
    visit = lock_visit(registration.visit_id)
    return decline_locked(visit, lock_registration(registration.pk), by=by, now=timezone.now())


@dataclass
class BulkOutcome:
    done: list[Registration] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def _bulk(registration_ids, *, by, step) -> BulkOutcome:
    """Apply `step` to each registration; seats freed on the way go to the waiting list at the end.

    Each row is read again just before its step: an earlier step may have changed it (a decline
    promotes from the waiting list), and a copy loaded before would act on a status it no longer has.
    Promotions wait for the end so that a delegate declined in the same action is never promoted first.
    """
    outcome = BulkOutcome()
    visit_ids = sorted(set(Registration.objects.filter(pk__in=registration_ids).values_list("visit_id", flat=True)))
    visits = {visit.pk: visit for visit in Visit.objects.select_for_update().filter(pk__in=visit_ids).order_by("pk")}
    # Lock order: the visits by pk, then the registrations by pk, so two bulk actions cannot deadlock.
    locked = (
        Registration.objects.select_for_update()
        .filter(pk__in=registration_ids)
        .order_by("pk")
        .values_list("visit_id", "submitted_at", "pk")
    )
    now = timezone.now()
    freed_visit_ids = set()
    # First come, first served when seats run out in the middle of a bulk confirmation.
    for _visit_id, _submitted_at, pk in sorted(locked):
        registration = Registration.objects.get(pk=pk)  # locked above, so current
        was_confirmed = registration.status == Status.CONFIRMED
        try:
            outcome.done.append(step(visits[registration.visit_id], registration, by=by, now=now))
        except RegistrationError as error:
            outcome.refused.append(error.message)
            continue
        if was_confirmed and registration.status != Status.CONFIRMED:
            freed_visit_ids.add(registration.visit_id)
    for visit_id in sorted(freed_visit_ids):
        fill_from_waitlist(visits[visit_id], now=now)
    return outcome


@transaction.atomic
def registrations_confirm(*, registration_ids, by) -> BulkOutcome:
    return _bulk(registration_ids, by=by, step=confirm_locked)


@transaction.atomic
def registrations_decline(*, registration_ids, by) -> BulkOutcome:
    return _bulk(registration_ids, by=by, step=partial(decline_locked, fill_seat=False))


@transaction.atomic
def registrations_waitlist(*, registration_ids, by) -> BulkOutcome:
    return _bulk(registration_ids, by=by, step=waitlist_locked)
