"""The registration rules, in one place: the data a delegate gives, and the errors it can have.

The registration form takes its fields from `RegistrationData` and its errors from `registration_errors`;
`registration_submit` checks the same function again under the visit lock.
"""

import dataclasses
import datetime

from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext as _

from programmes.models import MemberCountry, Organisation

from ..models import Visit
from .common import format_date

# How far before the first day a delegate may arrive, and after the last day leave: enough for
# long-haul travel and a rest day, not a holiday the letter of invitation would have to cover.
MAX_DAYS_AROUND_VISIT = 7
# The model's text field has no limit; a registration does.
RESPONSIBILITIES_MAX_LENGTH = 2000


@dataclasses.dataclass(frozen=True)
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


# The fields a delegate fills in (the form's fields); the language comes from the request.
FORM_FIELDS = [field.name for field in dataclasses.fields(RegistrationData) if field.name != "language"]
# Those without a default must be given.
REQUIRED_FIELDS = [field.name for field in dataclasses.fields(RegistrationData) if field.default is dataclasses.MISSING]
# Copied from RegistrationData onto the row; also the fields reset when a row is reused.
DATA_FIELDS = [field.name for field in dataclasses.fields(RegistrationData)]
# Reset when a cancelled row is reused: a new registration is vetted anew.
VETTING_FIELDS = {"endorsed_by": None, "endorsed_at": None, "endorsed_by_staff": False, "vetted_by_staff": False}


def stay_errors(*, visit: Visit, arrival_date, departure_date) -> dict[str, str]:
    """Problems with the travel dates, keyed by field name (shared by the form and the service)."""
    errors = {}
    margin = datetime.timedelta(days=MAX_DAYS_AROUND_VISIT)
    if arrival_date and not (visit.start_date - margin <= arrival_date <= visit.end_date):
        errors["arrival_date"] = _(
            "Arrival must be between %(earliest)s and the last day of the visit (%(latest)s)."
        ) % {"earliest": format_date(visit.start_date - margin), "latest": format_date(visit.end_date)}
    if departure_date and not (visit.start_date <= departure_date <= visit.end_date + margin):
        errors["departure_date"] = _(
            "Departure must be between the first day of the visit (%(earliest)s) and %(latest)s."
        ) % {"earliest": format_date(visit.start_date), "latest": format_date(visit.end_date + margin)}
    if arrival_date and departure_date and departure_date < arrival_date and "departure_date" not in errors:
        errors["departure_date"] = _("Departure cannot be before arrival.")
    return errors


def registration_errors(*, visit: Visit, data: RegistrationData) -> dict[str, list[str]]:
    """Every problem with `data`, by field name (NON_FIELD_ERRORS for the choice of affiliation); empty when valid.

    Values may be None where a form could not read them; those fields are left to the form's own message.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    for name in REQUIRED_FIELDS:
        value = getattr(data, name)
        if isinstance(value, str) and not value.strip():
            add(name, _("This field is required."))
    if data.member_country is not None and data.organisation is not None:
        add(NON_FIELD_ERRORS, _("Choose either a member country or an organisation, not both."))
    elif data.member_country is None and data.organisation is None:
        add(NON_FIELD_ERRORS, _("Choose the member country or the organisation you represent."))
    if data.member_country is not None and not data.member_country.is_active:
        add("member_country", _("This member country cannot be chosen."))
    if data.organisation is not None and not data.organisation.is_active:
        add("organisation", _("This organisation cannot be chosen."))
    if len(data.responsibilities or "") > RESPONSIBILITIES_MAX_LENGTH:
        add(
            "responsibilities",
            _("Please keep this under %(limit_value)d characters (it has %(show_value)d).")
            % {"limit_value": RESPONSIBILITIES_MAX_LENGTH, "show_value": len(data.responsibilities)},
        )
    if data.needs_visa_letter and not (data.nationality or "").strip():
        add("nationality", _("Tell us your nationality so that we can write the invitation letter."))
    for name, message in stay_errors(
        visit=visit, arrival_date=data.arrival_date, departure_date=data.departure_date
    ).items():
        add(name, message)
    return errors
