"""Nominations: the liaison (or staff on the country's behalf) endorses or rejects a delegate's registration."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Registration, Visit
from ..tasks import notify_staff_of_pending_registration
from .common import (
    InvalidTransition,
    RegistrationError,
    Status,
    change_status,
    confirmed_count,
    email_on_commit,
    fill_from_waitlist,
    lock_registration,
    lock_visit,
)
from .liaisons import may_endorse_as_liaison


def _nomination_locked(registration: Registration, *, by) -> tuple[Visit, Registration, bool]:
    """Lock, then check that `by` may decide; the flag says whether they do so as the liaison."""
    visit = lock_visit(registration.visit_id)
    registration = lock_registration(registration.pk)
    as_liaison = may_endorse_as_liaison(registration, by)
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
        change_status(registration, Status.PENDING, by=by, note=note, now=now, extra_fields=vetting)
        email_on_commit(registration, "received")
        notify_staff_of_pending_registration.delay_on_commit(registration.pk)
        return registration
    # A seat freed without a promotion (e.g. capacity raised) belongs to the queue, not to a newcomer.
    fill_from_waitlist(visit, now=now)
    status = Status.CONFIRMED if confirmed_count(visit) < visit.capacity else Status.WAITLISTED
    change_status(registration, status, by=by, note=note, now=now, extra_fields=vetting)
    email_on_commit(registration, status)
    return registration


@transaction.atomic
def registration_reject_nomination(*, registration: Registration, by, reason: str) -> Registration:
    """The liaison (or staff) rejects a nomination; the delegate is told why."""
    reason = reason.strip()
    if not reason:
        raise RegistrationError(_("Say why the nomination is rejected: the delegate will read it."))
    _visit, registration, _as_liaison = _nomination_locked(registration, by=by)
    # The note of a nominated → declined change is the reason itself: the delegate reads it as written.
    change_status(registration, Status.DECLINED, by=by, note=reason[:300], now=timezone.now())
    email_on_commit(registration, "nomination_rejected")
    return registration
