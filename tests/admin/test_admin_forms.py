"""The visit and recommendation add forms propose sensible values and name the time zone."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Visit
from recommendations.models import Recommendation
from tests.factories import VisitFactory
from tests.recommendations.factories import RecommendationFactory

from .test_admin_limits import visit_form

pytestmark = pytest.mark.django_db


def test_the_visit_add_form_proposes_registration_times_and_names_the_time_zone(staff_client):
    before = timezone.now()
    response = staff_client.get(reverse("admin:meetings_visit_add"))
    form = response.context["adminform"].form
    assert before <= form.initial["registration_opens_at"] <= timezone.now()
    assert "Europe/Paris" in form.fields["registration_opens_at"].help_text
    assert "Europe/Paris" in form.fields["registration_closes_at"].help_text
    agenda = response.context["inline_admin_formsets"][0].formset
    assert agenda.empty_form["kind"].initial == "presentation"
    assert "time zone" in str(agenda.empty_form["start_time"].help_text)
    assert "prepopulated" in response.content.decode()  # the slug follows the title


def test_registration_closes_when_the_visit_starts_unless_given(staff_client):
    data = visit_form(0)
    data["registration_opens_at_0"], data["registration_opens_at_1"] = datetime.date.today().isoformat(), "09:00"
    data["time_zone"] = "Africa/Nairobi"
    response = staff_client.post(reverse("admin:meetings_visit_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    visit = Visit.objects.get(slug="oversized")
    start = datetime.date.fromisoformat(data["start_date"])
    assert visit.registration_closes_at == datetime.datetime.combine(
        start, datetime.time(), tzinfo=zoneinfo.ZoneInfo("Africa/Nairobi")
    )


def test_the_recommendation_number_is_the_next_free_one_of_the_visit(staff_client):
    visit = VisitFactory()
    RecommendationFactory(visit=visit, number=1)
    RecommendationFactory(visit=visit, number=4)
    RecommendationFactory(number=9)  # another visit's
    url = reverse("admin:recommendations_recommendation_add")
    assert staff_client.get(url, {"visit": visit.pk}).context["adminform"].form.initial["number"] == 5
    assert staff_client.get(url, {"visit": "x"}).status_code == 200

    data = {
        "visit": visit.pk,
        "number": "",
        "title_en": "Share intelligence",
        "text_en": "…",
        "audience": "member_countries",
    }
    data["priority"] = "high"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Recommendation.objects.get(title="Share intelligence").number == 5
