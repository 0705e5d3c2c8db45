"""A visit's seats and days: its capacity (never below the confirmed seats) and who attended each day."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Attendance, Registration, Visit
from .common import RegistrationError, Status, confirmed_count, fill_from_waitlist, format_date, lock_visit


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
    locked = lock_visit(visit.pk)
    if error := capacity_error(visit=locked, capacity=capacity):
        raise error
    locked.capacity = capacity
    locked.save(update_fields=["capacity", "updated_at"])
    visit.capacity = capacity
    return fill_from_waitlist(locked)


@dataclass
class AttendanceOutcome:
    checked_in: int = 0
    unchecked: int = 0


@transaction.atomic
def attendance_record(*, visit: Visit, date: datetime.date, present_registration_ids, by) -> AttendanceOutcome:
    """Set who attended on `date`: the ticked confirmed delegates are checked in, the others are not."""
    visit = lock_visit(visit.pk)
    if date not in visit.days:
        raise RegistrationError(_("%(date)s is not a day of this visit.") % {"date": format_date(date)})
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
