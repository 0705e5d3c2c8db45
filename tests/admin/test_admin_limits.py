"""Oversized admin posts are refused quickly with a 4xx or a form error, never a 500."""

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import ProgrammeFactory, member_country

pytestmark = pytest.mark.django_db


def visit_form(forms, **agenda_item):
    start = datetime.date.today() + datetime.timedelta(days=60)
    data = {
        "programme": ProgrammeFactory().pk,
        "title_en": "Oversized",
        "slug": "oversized",
        "status": "draft",
        "venue_en": "General Secretariat",
        "city_en": "Lyon",
        "host_country": member_country("FR").pk,
        "time_zone": "Europe/Paris",
        "start_date": start.isoformat(),
        "end_date": start.isoformat(),
        "capacity": "16",
        "agenda_items-TOTAL_FORMS": str(forms),
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-MIN_NUM_FORMS": "0",
        "agenda_items-MAX_NUM_FORMS": "1000",
    }
    for number in range(forms):
        data.update({f"agenda_items-{number}-{name}": value for name, value in agenda_item.items()})
    return data


def test_a_visit_posted_with_1001_agenda_items_is_refused_without_a_500(staff_client):
    url = reverse("admin:meetings_visit_add")
    complete = {"date": "2030-01-01", "start_time": "09:00", "end_time": "10:00", "kind": "discussion", "title_en": "T"}
    assert staff_client.post(url, visit_form(1001, **complete)).status_code == 400

    response = staff_client.post(url, visit_form(1001, title_en="T"))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"][0].formset.non_form_errors()


def test_every_inline_has_a_max_num():
    inlines = [inline for model_admin in admin.site._registry.values() for inline in model_admin.inlines]
    assert inlines
    assert [inline.__name__ for inline in inlines if inline.max_num is None] == []
