"""Meetings test helpers.

tests/factories.py's DelegateFactory and StaffFactory set `roles = [...]` as a plain class
attribute, which replaces the post-generation hook and reaches the User model as a field
(reported). These helpers build the same users through UserFactory; RegistrationFactory's
default delegate uses DelegateFactory too, so always pass `delegate=` to it.
"""

import datetime

from meetings.models import Registration
from meetings.services import RegistrationData
from programmes.roles import DELEGATE, PROGRAMME_STAFF
from tests.factories import RegistrationFactory, UserFactory, member_country


def make_delegate(**kwargs):
    return UserFactory(roles=[DELEGATE], **kwargs)


def make_staff(**kwargs):
    return UserFactory(roles=[PROGRAMME_STAFF], is_staff=True, is_superuser=True, **kwargs)


def make_registration(**kwargs) -> Registration:
    kwargs.setdefault("delegate", make_delegate())
    return RegistrationFactory(**kwargs)


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
