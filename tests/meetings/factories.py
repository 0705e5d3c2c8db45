"""Meetings test helpers on top of the shared factories."""

import datetime

from meetings import services
from meetings.services import RegistrationData
from programmes.models import Contact
from tests.factories import make_liaison, member_country


def registration_data(visit, **overrides) -> RegistrationData:
    values = {
        "full_name": "Grace Wanjiru",
        "job_title": "Head of investigations",
        "arrival_date": visit.start_date - datetime.timedelta(days=1),
        "departure_date": visit.end_date + datetime.timedelta(days=1),
        "member_country": member_country("KE"),
        **overrides,
    }
    return RegistrationData(**values)


def form_data(visit, **overrides) -> dict:
    values = {
        "full_name": "Grace Wanjiru",
        "job_title": "Head of investigations",
        "responsibilities": "Wildlife crime investigations",
        "member_country": str(member_country("KE").pk),
        "organisation": "",
        "arrival_date": (visit.start_date - datetime.timedelta(days=1)).isoformat(),
        "departure_date": (visit.end_date + datetime.timedelta(days=1)).isoformat(),
        "nationality": "",
        "passport_number": "",
        "dietary_needs": "",
        "accessibility_needs": "",
        "consent_to_participant_list": "on",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


def kenya_liaison():
    """Kenya's liaison (created on first use): registrations for Kenya then await their endorsement."""
    contact = Contact.objects.active_primary().filter(member_country=member_country("KE"), user__isnull=False).first()
    return contact.user if contact else make_liaison("KE")[0]


def submit_and_endorse(visit, user, **overrides):
    """Register for Kenya and have Kenya's liaison endorse the nomination."""
    liaison = kenya_liaison()
    registration = services.registration_submit(visit=visit, user=user, data=registration_data(visit, **overrides))
    return services.registration_endorse(registration=registration, by=liaison)
