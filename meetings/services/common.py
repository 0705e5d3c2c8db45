"""What every registration workflow shares: the errors, the locks, the status change with its history, the
emails on commit and the waiting list. The workflows themselves live in the modules named after their noun."""

import datetime

from allauth.account.models import EmailAddress
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Registration, RegistrationStatusChange, Visit
from ..tasks import send_registration_email

Status = Registration.Status


class RegistrationError(Exception):
    """A rule stopped the workflow; `message` is shown to the user as it is."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class RegistrationClosed(RegistrationError):
    pass


class AlreadyRegistered(RegistrationError):
    pass


class InvalidRegistration(RegistrationError):
    """The registration data breaks a rule; `errors` maps each field (or NON_FIELD_ERRORS) to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(" ".join(message for messages in errors.values() for message in messages))
        self.errors = errors


class EmailNotVerified(RegistrationError):
    pass


class VisitFull(RegistrationError):
    pass


class InvalidTransition(RegistrationError):
    pass


TIMESTAMP_FIELDS = {
    Status.CONFIRMED: "confirmed_at",
    Status.WAITLISTED: "waitlisted_at",
    Status.DECLINED: "declined_at",
    Status.CANCELLED: "cancelled_at",
}


def email_verification_error(user) -> EmailNotVerified | None:
    """Why `user` may not register yet (no verified email address), or None."""
    if EmailAddress.objects.filter(user=user, verified=True).exists():
        return None
    return EmailNotVerified(_("Please verify your email address before registering."))


def format_date(value: datetime.date) -> str:
    return date_format(value, "DATE_FORMAT")


def lock_visit(visit_pk: int) -> Visit:
    return Visit.objects.select_for_update().get(pk=visit_pk)


def lock_registration(registration_pk: int) -> Registration:
    return Registration.objects.select_for_update().select_related("visit").get(pk=registration_pk)


def confirmed_count(visit: Visit) -> int:
    return Registration.objects.filter(visit=visit, status=Status.CONFIRMED).count()


def change_status(
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
    record_change(registration, from_status, to_status, by=by, note=note, now=now)
    return registration


def record_change(registration: Registration, from_status: str, to_status: str, *, by, note: str, now) -> None:
    RegistrationStatusChange.objects.create(
        registration=registration,
        from_status=from_status,
        to_status=to_status,
        changed_by=by,
        changed_at=now,
        note=note,
    )


def email_on_commit(registration: Registration, event: str) -> None:
    send_registration_email.delay_on_commit(registration.pk, event)


def fill_from_waitlist(visit: Visit, *, now=None) -> list[Registration]:
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
        change_status(registration, Status.CONFIRMED, by=None, note=_("Promoted from the waiting list"), now=now)
        email_on_commit(registration, "promoted")
        promoted.append(registration)
    return promoted
