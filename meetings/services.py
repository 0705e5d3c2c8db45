"""Registration workflows: every change of a registration's status goes through here.

Each write locks the visit row first (then the registration rows), re-checks, writes, records the
status change and schedules the emails on commit. Locking the visit row serialises everything that
touches the visit's seats: two requests can never both take the last seat, and a cancellation can
never race the promotion it triggers. Locks are always taken in the same order (visits by pk, then
registrations) so concurrent workflows cannot deadlock.

Allowed transitions (nominations included, plus two choices documented below):
    (new)      → nominated (the country or organisation has a liaison with an account)
               / pending (it has none: programme staff vet the registration instead)
    nominated  → confirmed / waitlisted / pending (endorsed by the liaison or by staff on the
                 country's behalf, then the visit's own rule) / declined (nomination rejected) / cancelled
    pending    → confirmed / waitlisted / declined / cancelled
    confirmed  → cancelled / declined
    waitlisted → confirmed (promotion) / cancelled / declined
    cancelled  → nominated / pending (the delegate registers again: the row is reused)

A seat (confirmed or waitlisted) is only ever given to a vetted registration: endorsed
(`endorsed_at`) or approved by staff (`vetted_by_staff`); a database constraint holds it.
"""

import datetime
from dataclasses import dataclass, field
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from programmes.models import Contact, MemberCountry, Organisation

from .models import Attendance, Registration, RegistrationStatusChange, Visit
from .tasks import notify_liaison_of_nomination, notify_staff_of_pending_registration, send_registration_email

Status = Registration.Status

# How far before the first day a delegate may arrive, and after the last day leave: enough for
# long-haul travel and a rest day, not a holiday the letter of invitation would have to cover.
MAX_DAYS_AROUND_VISIT = 7


class RegistrationError(Exception):
    """A rule stopped the workflow; `message` is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RegistrationClosed(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    pass


class InvalidStay(RegistrationError):
    pass


class VisitFull(RegistrationError):
    pass


class InvalidTransition(RegistrationError):
    pass


@dataclass(frozen=True)
class RegistrationData:
    full_name: str
    job_title: str
    arrival_date: datetime.date
    departure_date: datetime.date
    member_country: MemberCountry | None = None
    organisation: Organisation | None = None
    agency: str = ""
    responsibilities: str = ""
    needs_visa_letter: bool = False
    nationality: str = ""
    passport_number: str = ""
    dietary_needs: str = ""
    accessibility_needs: str = ""
    consent_to_participant_list: bool = False
    language: str = "en"


# Fields copied from RegistrationData onto the row; also the fields reset when a row is reused.
DATA_FIELDS = [
    "full_name",
    "job_title",
    "agency",
    "arrival_date",
    "departure_date",
    "member_country",
    "organisation",
    "responsibilities",
    "needs_visa_letter",
    "nationality",
    "passport_number",
    "dietary_needs",
    "accessibility_needs",
    "consent_to_participant_list",
    "language",
]
# Reset when a cancelled row is reused: a new registration is vetted anew.
VETTING_FIELDS = {"endorsed_by": None, "endorsed_at": None, "endorsed_by_staff": False, "vetted_by_staff": False}
TIMESTAMP_FIELDS = {
    Status.CONFIRMED: "confirmed_at",
    Status.WAITLISTED: "waitlisted_at",
    Status.DECLINED: "declined_at",
    Status.CANCELLED: "cancelled_at",
}


def stay_errors(*, visit: Visit, arrival_date, departure_date) -> dict[str, str]:
    """Problems with the travel dates, keyed by field name (shared by the form and the service)."""
    errors = {}
    margin = datetime.timedelta(days=MAX_DAYS_AROUND_VISIT)
    if arrival_date and not (visit.start_date - margin <= arrival_date <= visit.end_date):
        errors["arrival_date"] = _(
            "Arrival must be between %(earliest)s and the last day of the visit (%(latest)s)."
        ) % {"earliest": _format_date(visit.start_date - margin), "latest": _format_date(visit.end_date)}
    if departure_date and not (visit.start_date <= departure_date <= visit.end_date + margin):
        errors["departure_date"] = _(
            "Departure must be between the first day of the visit (%(earliest)s) and %(latest)s."
        ) % {"earliest": _format_date(visit.start_date), "latest": _format_date(visit.end_date + margin)}
    if arrival_date and departure_date and departure_date < arrival_date and "departure_date" not in errors:
        errors["departure_date"] = _("Departure cannot be before arrival.")
    return errors


def _format_date(value: datetime.date) -> str:
    from django.utils.formats import date_format

    return date_format(value, "DATE_FORMAT")


def _check_data(*, visit: Visit, data: RegistrationData) -> None:
    if (data.member_country is None) == (data.organisation is None):
        raise RegistrationError(_("Choose either the member country or the organisation you represent, not both."))
    if data.member_country is not None and not data.member_country.is_active:
        raise RegistrationError(_("This member country cannot be chosen."))
    if data.organisation is not None and not data.organisation.is_active:
        raise RegistrationError(_("This organisation cannot be chosen."))
    if data.needs_visa_letter and not data.nationality.strip():
        raise RegistrationError(_("Tell us your nationality so that we can write the invitation letter."))
    errors = stay_errors(visit=visit, arrival_date=data.arrival_date, departure_date=data.departure_date)
    if errors:
        raise InvalidStay(" ".join(errors.values()))


def _lock_visit(visit_pk: int) -> Visit:
    return Visit.objects.select_for_update().get(pk=visit_pk)


def _lock_registration(registration_pk: int) -> Registration:
    return Registration.objects.select_for_update().select_related("visit").get(pk=registration_pk)


def confirmed_count(visit: Visit) -> int:
    return Registration.objects.filter(visit=visit, status=Status.CONFIRMED).count()


def _change_status(
    registration: Registration, to_status: str, *, by, note: str = "", now=None, extra_fields=()
) -> Registration:
    now = now or timezone.now()
    from_status = registration.status
    registration.status = to_status
    fields = {"status", "updated_at", *extra_fields}
    if to_status in TIMESTAMP_FIELDS:
        setattr(registration, TIMESTAMP_FIELDS[to_status], now)
        fields.add(TIMESTAMP_FIELDS[to_status])
    registration.save(update_fields=sorted(fields))
    _record_change(registration, from_status, to_status, by=by, note=note, now=now)
    return registration


def _record_change(registration: Registration, from_status: str, to_status: str, *, by, note: str, now) -> None:
    RegistrationStatusChange.objects.create(
        registration=registration,
        from_status=from_status,
        to_status=to_status,
        changed_by=by,
        changed_at=now,
        note=note,
    )


def _email_on_commit(registration: Registration, event: str) -> None:
    send_registration_email.delay_on_commit(registration.pk, event)


def _fill_from_waitlist(visit: Visit, *, now=None) -> list[Registration]:
    """Promote waitlisted delegates, first come first served, while seats are free. Visit row must be locked."""
    if visit.status == Visit.Status.HELD:
        return []
    free = visit.capacity - confirmed_count(visit)
    if free <= 0:
        return []
    queue = (
        Registration.objects.select_for_update()
        .filter(visit=visit, status=Status.WAITLISTED)
        .order_by("waitlisted_at", "pk")[:free]
    )
    promoted = []
    for registration in queue:
        # changed_by=None: the system promotes, no person decided it.
        _change_status(registration, Status.CONFIRMED, by=None, note=_("Promoted from the waiting list"), now=now)
        _email_on_commit(registration, "promoted")
        promoted.append(registration)
    return promoted


@transaction.atomic
def registration_submit(*, visit: Visit, user, data: RegistrationData) -> Registration:
    """Register `user` for `visit`: confirmed while seats remain, else waitlisted; pending when staff approve."""
    visit = _lock_visit(visit.pk)
    now = timezone.now()
    if not visit.is_open_for_registration(now):
        raise RegistrationClosed(_("Registration for this visit is closed."))
    _check_data(visit=visit, data=data)

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
        _record_change(registration, "", status, by=user, note=note, now=now)
    else:
        # A delegate who cancelled may register again: the row (unique per visit and delegate) is
        # reused and reset, and its status history keeps the earlier cancellation.
        registration = existing
        for name, value in {**values, **VETTING_FIELDS}.items():
            setattr(registration, name, value)
        for name in TIMESTAMP_FIELDS.values():
            setattr(registration, name, None)
        registration.submitted_at = now
        _change_status(
            registration,
            status,
            by=user,
            note=note,
            now=now,
            extra_fields=[*DATA_FIELDS, *VETTING_FIELDS, *TIMESTAMP_FIELDS.values(), "submitted_at"],
        )

    if status == Status.NOMINATED:
        _email_on_commit(registration, "nominated")
        notify_liaison_of_nomination.delay_on_commit(registration.pk)
    else:
        _email_on_commit(registration, "received")
        notify_staff_of_pending_registration.delay_on_commit(registration.pk)
    return registration


def _speaking_contacts():
    """Who endorses nominations: the active primary contact, with an active account, of an active
    member country or organisation (an organisation's own primary contact endorses its nominations)."""
    return (
        Contact.objects.active_primary()
        .filter(user__isnull=False, user__is_active=True)
        .filter(Q(member_country__is_active=True) | Q(organisation__is_active=True))
    )


def speaking_contact(*, member_country=None, organisation=None) -> Contact | None:
    """The liaison who endorses the nominations of this member country or organisation, if any."""
    affiliation = {"member_country": member_country} if member_country is not None else {"organisation": organisation}
    return _speaking_contacts().filter(**affiliation).select_related("user").order_by("pk").first()


def liaison_affiliation_filter(user) -> dict | None:
    """The registrations `user` may endorse as a liaison, as filter arguments; None for anybody else."""
    if not (user.is_authenticated and user.is_active):
        return None
    contact = _speaking_contacts().filter(user=user).first()
    if contact is None:
        return None
    if contact.member_country_id is not None:
        return {"member_country_id": contact.member_country_id}
    return {"organisation_id": contact.organisation_id}


def _nomination_locked(registration: Registration, *, by) -> tuple[Visit, Registration, bool]:
    """Lock, then check that `by` may decide; the flag says whether they do so as the liaison."""
    visit = _lock_visit(registration.visit_id)
    registration = _lock_registration(registration.pk)
    as_liaison = _may_endorse_as_liaison(registration, by)
    if not (as_liaison or by.is_staff):
        raise Registration.DoesNotExist
    if registration.status != Status.NOMINATED:
        raise InvalidTransition(
            _("The nomination of %(name)s was already handled: it is %(status)s.")
            % {"name": registration.full_name, "status": registration.get_status_display().lower()}
        )
    if registration.delegate_id == by.pk:
        raise InvalidTransition(_("You cannot endorse your own nomination: programme staff will."))
    return visit, registration, as_liaison


@transaction.atomic
def registration_endorse(*, registration: Registration, by) -> Registration:
    """The liaison (or staff, on the country's behalf) endorses a nomination; then the visit's own rule applies.

    Raises Registration.DoesNotExist when `by` may not speak for the registration's country.
    """
    visit, registration, as_liaison = _nomination_locked(registration, by=by)
    now = timezone.now()
    on_behalf = not as_liaison
    registration.endorsed_by = by
    registration.endorsed_at = now
    registration.endorsed_by_staff = on_behalf
    if on_behalf:
        note = _("Endorsed by programme staff on behalf of %(affiliation)s") % {"affiliation": registration.affiliation}
    else:
        note = _("Endorsed by the liaison of %(affiliation)s") % {"affiliation": registration.affiliation}
    vetting = ["endorsed_by", "endorsed_at", "endorsed_by_staff"]
    if visit.requires_approval:
        _change_status(registration, Status.PENDING, by=by, note=note, now=now, extra_fields=vetting)
        _email_on_commit(registration, "received")
        notify_staff_of_pending_registration.delay_on_commit(registration.pk)
        return registration
    # A seat freed without a promotion (e.g. capacity raised) belongs to the queue, not to a newcomer.
    _fill_from_waitlist(visit, now=now)
    status = Status.CONFIRMED if confirmed_count(visit) < visit.capacity else Status.WAITLISTED
    _change_status(registration, status, by=by, note=note, now=now, extra_fields=vetting)
    _email_on_commit(registration, status)
    return registration


def _may_endorse_as_liaison(registration: Registration, user) -> bool:
    affiliation = liaison_affiliation_filter(user)
    return affiliation is not None and all(getattr(registration, key) == value for key, value in affiliation.items())


@transaction.atomic
def registration_reject_nomination(*, registration: Registration, by, reason: str) -> Registration:
    """The liaison (or staff) rejects a nomination; the delegate is told why."""
    reason = reason.strip()
    if not reason:
        raise RegistrationError(_("Say why the nomination is rejected: the delegate will read it."))
    _visit, registration, _as_liaison = _nomination_locked(registration, by=by)
    # The note of a nominated → declined change is the reason itself: the delegate reads it as written.
    _change_status(registration, Status.DECLINED, by=by, note=reason[:300], now=timezone.now())
    _email_on_commit(registration, "nomination_rejected")
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by) -> Registration:
    """The delegate withdraws; a confirmed seat goes to the first person on the waiting list."""
    visit = _lock_visit(registration.visit_id)
    registration = _lock_registration(registration.pk)
    if registration.status not in (Status.NOMINATED, Status.PENDING, Status.CONFIRMED, Status.WAITLISTED):
        raise InvalidTransition(_("This registration cannot be cancelled any more."))
    if visit.has_started:
        raise InvalidTransition(_("The visit has started: please contact programme staff."))
    was_confirmed = registration.status == Status.CONFIRMED
    now = timezone.now()
    _change_status(registration, Status.CANCELLED, by=by, note=_("Cancelled by the delegate"), now=now)
    _email_on_commit(registration, "cancelled")
    if was_confirmed:
        _fill_from_waitlist(visit, now=now)
    return registration


def _confirm_locked(visit: Visit, registration: Registration, *, by, now) -> Registration:
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
    _change_status(
        registration,
        Status.CONFIRMED,
        by=by,
        note=_("Confirmed by programme staff"),
        now=now,
        extra_fields=["vetted_by_staff"],
    )
    _email_on_commit(registration, event)
    return registration


def _decline_locked(visit: Visit, registration: Registration, *, by, now, fill_seat: bool = True) -> Registration:
    # Staff may also decline a confirmed or waitlisted delegate (e.g. a nomination withdrawn by the
    # delegate's authority); a confirmed seat freed this way goes to the waiting list at once, or,
    # in a bulk action (fill_seat=False), once every selected registration has been declined.
    if registration.status not in (Status.NOMINATED, Status.PENDING, Status.WAITLISTED, Status.CONFIRMED):
        raise InvalidTransition(
            _("%(name)s is %(status)s and cannot be declined.")
            % {"name": registration.full_name, "status": registration.get_status_display().lower()}
        )
    was_confirmed = registration.status == Status.CONFIRMED
    _change_status(registration, Status.DECLINED, by=by, note=_("Declined by programme staff"), now=now)
    _email_on_commit(registration, "declined")
    if was_confirmed and fill_seat:
        _fill_from_waitlist(visit, now=now)
    return registration


def _waitlist_locked(visit: Visit, registration: Registration, *, by, now) -> Registration:
    if registration.status != Status.PENDING:
        raise InvalidTransition(
            _("%(name)s is %(status)s and cannot be moved to the waiting list.")
            % {"name": registration.full_name, "status": registration.get_status_display().lower()}
        )
    registration.vetted_by_staff = True
    _change_status(
        registration,
        Status.WAITLISTED,
        by=by,
        note=_("Waitlisted by programme staff"),
        now=now,
        extra_fields=["vetted_by_staff"],
    )
    _email_on_commit(registration, "waitlisted")
    return registration


@transaction.atomic
def registration_confirm(*, registration: Registration, by) -> Registration:
    """Staff confirm a pending or waitlisted registration; refused when the visit is full."""
    visit = _lock_visit(registration.visit_id)
    return _confirm_locked(visit, _lock_registration(registration.pk), by=by, now=timezone.now())


@transaction.atomic
def registration_decline(*, registration: Registration, by) -> Registration:
    visit = _lock_visit(registration.visit_id)
    return _decline_locked(visit, _lock_registration(registration.pk), by=by, now=timezone.now())


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
        _fill_from_waitlist(visits[visit_id], now=now)
    return outcome


@transaction.atomic
def registrations_confirm(*, registration_ids, by) -> BulkOutcome:
    return _bulk(registration_ids, by=by, step=_confirm_locked)


@transaction.atomic
def registrations_decline(*, registration_ids, by) -> BulkOutcome:
    return _bulk(registration_ids, by=by, step=partial(_decline_locked, fill_seat=False))


@transaction.atomic
def registrations_waitlist(*, registration_ids, by) -> BulkOutcome:
    return _bulk(registration_ids, by=by, step=_waitlist_locked)


class CapacityBelowConfirmed(RegistrationError):
    def __init__(self, *, confirmed: int):
        super().__init__(
            ngettext(
                "%(count)d seat is confirmed: the capacity cannot be lower. Decline or cancel registrations first.",
                "%(count)d seats are confirmed: the capacity cannot be lower. Decline or cancel registrations first.",
                confirmed,
            )
            % {"count": confirmed}
        )
        self.confirmed = confirmed


def capacity_error(*, visit: Visit, capacity: int) -> CapacityBelowConfirmed | None:
    """Why `capacity` cannot be set now (for a form to show early), or None; the service re-checks under lock."""
    confirmed = confirmed_count(visit)
    return CapacityBelowConfirmed(confirmed=confirmed) if capacity < confirmed else None


@transaction.atomic
def visit_change_capacity(*, visit: Visit, capacity: int) -> list[Registration]:
    """Set a visit's capacity, never below its confirmed seats; new seats go to the waiting list in order."""
    locked = _lock_visit(visit.pk)
    if error := capacity_error(visit=locked, capacity=capacity):
        raise error
    locked.capacity = capacity
    locked.save(update_fields=["capacity", "updated_at"])
    visit.capacity = capacity
    return _fill_from_waitlist(locked)


@dataclass
class AttendanceOutcome:
    checked_in: int = 0
    unchecked: int = 0


@transaction.atomic
def attendance_record(*, visit: Visit, date: datetime.date, present_registration_ids, by) -> AttendanceOutcome:
    """Set who attended on `date`: the ticked confirmed delegates are checked in, the others are not."""
    visit = _lock_visit(visit.pk)
    if date not in visit.days:
        raise RegistrationError(_("%(date)s is not a day of this visit.") % {"date": _format_date(date)})
    confirmed = set(Registration.objects.filter(visit=visit, status=Status.CONFIRMED).values_list("pk", flat=True))
    present = {int(pk) for pk in present_registration_ids}
    if not present <= confirmed:
        raise RegistrationError(_("Only confirmed delegates of this visit can be checked in."))
    already = set(
        Attendance.objects.filter(registration__visit=visit, date=date).values_list("registration_id", flat=True)
    )
    now = timezone.now()
    Attendance.objects.bulk_create(
        [Attendance(registration_id=pk, date=date, checked_in_at=now, checked_in_by=by) for pk in present - already]
    )
    removed, _details = Attendance.objects.filter(
        registration__visit=visit, date=date, registration_id__in=already - present
    ).delete()
    return AttendanceOutcome(checked_in=len(present - already), unchecked=removed)
