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

The workflows live in one module per noun (registrations, nominations, visits, liaisons, emails), the rules
of the registration data in `rules`, what they share in `common`; the public names are re-exported here.
"""

from .common import (
    AlreadyRegistered,
    EmailNotVerified,
    InvalidRegistration,
    InvalidTransition,
    RegistrationClosed,
    RegistrationError,
    VisitFull,
    confirmed_count,
    email_verification_error,
)
from .emails import liaison_nomination_notice_send, registration_email_send, staff_pending_notice_send
from .liaisons import liaison_affiliation_filter, speaking_contact
from .nominations import registration_endorse, registration_reject_nomination
from .registrations import (
    BulkOutcome,
    registration_cancel,
    registration_confirm,
    registration_decline,
    registration_submit,
    registrations_confirm,
    registrations_decline,
    registrations_waitlist,
)
from .rules import (
    FORM_FIELDS,
    MAX_DAYS_AROUND_VISIT,
    REQUIRED_FIELDS,
    RESPONSIBILITIES_MAX_LENGTH,
    RegistrationData,
    registration_errors,
)
from .visits import AttendanceOutcome, CapacityBelowConfirmed, attendance_record, capacity_error, visit_change_capacity

__all__ = [
    "AlreadyRegistered",
    "AttendanceOutcome",
    "BulkOutcome",
    "CapacityBelowConfirmed",
    "EmailNotVerified",
    "FORM_FIELDS",
    "InvalidRegistration",
    "InvalidTransition",
    "MAX_DAYS_AROUND_VISIT",
    "REQUIRED_FIELDS",
    "RESPONSIBILITIES_MAX_LENGTH",
    "RegistrationClosed",
    "RegistrationData",
    "RegistrationError",
    "VisitFull",
    "attendance_record",
    "capacity_error",
    "confirmed_count",
    "email_verification_error",
    "liaison_affiliation_filter",
    "liaison_nomination_notice_send",
    "registration_cancel",
    "registration_confirm",
    "registration_decline",
    "registration_email_send",
    "registration_endorse",
    "registration_errors",
    "registration_reject_nomination",
    "registration_submit",
    "registrations_confirm",
    "registrations_decline",
    "registrations_waitlist",
    "speaking_contact",
    "staff_pending_notice_send",
    "visit_change_capacity",
]
