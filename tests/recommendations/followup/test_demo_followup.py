"""`seed_demo` leaves a follow-up worth looking at: a cycle, reports from about 60% of countries."""

from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import escape

from programmes.demo import DEMO_PASSWORD
from programmes.models import MemberCountry, Region
from recommendations.demo_followup import CYCLE_TITLE
from recommendations.models import Assessment, CountryReport, ImplementationItem, ReportingCycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", verbosity=0)
    return ReportingCycle.objects.get(title_en=CYCLE_TITLE)


def test_the_demo_cycle_has_reports_from_about_sixty_percent_of_countries_in_every_region(seeded):
    reports = CountryReport.objects.filter(cycle=seeded).select_related("member_country")
    countries = MemberCountry.objects.active().count()
    assert 0.5 * countries <= reports.count() <= 0.7 * countries
    assert {r.member_country.region for r in reports} == set(Region.values)
    statuses = Counter(r.status for r in reports)
    assert statuses["draft"] and statuses["submitted"] and statuses["returned"] >= 3
    assert Assessment.objects.filter(item__report__cycle=seeded).exists()
    # Every answered item keeps the rules the services enforce.
    for item in ImplementationItem.objects.filter(report__cycle=seeded).exclude(response=""):
        if item.response != "supported":
            assert item.justification
        if item.status == "fully_implemented":
            assert item.evidence.exists()
    fully = ImplementationItem.objects.filter(report=OuterRef("pk"), status="fully_implemented")
    assert reports.filter(status="submitted").filter(Exists(fully)).exists(), "some countries are implementing"


def test_the_kenya_and_nepal_liaisons_find_their_reports(seeded, client):
    for email, status in (("ncb.ke@example.org", "draft"), ("ncb.np@example.org", "returned")):
        assert client.login(username=email, password=DEMO_PASSWORD) or client.login(
            email=email, password=DEMO_PASSWORD
        ), email
        page = client.get(reverse("followup:report", args=[seeded.pk]))
        assert page.status_code == 200
        report = CountryReport.objects.get(cycle=seeded, member_country__iso2=email[4:6].upper())
        assert report.status == status
        if status == "returned":
            assert escape(report.return_request) in page.content.decode()
        client.logout()


def test_seeding_again_changes_nothing(seeded):
    before = (CountryReport.objects.count(), ImplementationItem.objects.count(), ReportingCycle.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (CountryReport.objects.count(), ImplementationItem.objects.count(), ReportingCycle.objects.count()) == before
