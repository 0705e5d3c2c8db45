"""Meetings test helpers on top of the shared factories."""

import datetime

from meetings.services import RegistrationData
from tests.factories import member_country


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
