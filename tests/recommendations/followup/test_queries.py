"""The follow-up pages run a fixed number of queries, whatever the number of rows behind them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from envcrime.caching import forget_cached_pages
from programmes.models import MemberCountry
from recommendations.models import CountryReport, Delivery, Distribution
from recommendations.services import followup
from tests.factories import StaffFactory, member_country

from .factories import distributed_package, network_user, open_cycle, pdf_upload, primary_contact, team_member

pytestmark = pytest.mark.django_db

# Pinned: the user with its contact (the session is read from the cache, its activity recorded at most
# once a minute: envcrime.sessions), then one query per kind of row shown. A new N+1 shows up here; an
# intended extra query changes the number here, knowingly.
REPORT_QUERIES = 8
SUBMIT_QUERIES = 7
CYCLE_LIST_QUERIES = 3
NETWORK_QUERIES = 5

ANSWER = {"response": "noted", "justification": "Budget next year.", "status": "planned", "lead_agency": "NCB"}


def queries(client, url) -> int:
    # The first request after signing in does more (the session); the page is measured on a second one.
    client.get(url)
    forget_cached_pages()  # rendered, not served from the report page's cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def kenya_cycles(*, recommendations: int, cycles: int, submissions: int):
    """Kenya's reports in `cycles` cycles, every item answered with evidence, submitted and assessed."""
    user = team_member("KE")
    staff = StaffFactory()
    made = []
    for _ in range(cycles):
        cycle = open_cycle(distributed_package(countries=("KE",), recommendations=recommendations))
        report = followup.report_start(cycle=cycle, member_country_id=member_country("KE").pk)
        for submission in range(submissions):
            for item in report.items.all():
                report.refresh_from_db()
                followup.item_save(
                    item=item,
                    values={**ANSWER, "actions_taken": f"Round {submission}"},
                    version=report.version,
                    by=user,
                )
                if submission == 0:
                    followup.evidence_add(item=item, by=user, upload=pdf_upload())
                    followup.evidence_add(item=item, by=user, url="https://example.org/decree")
            report.refresh_from_db()
            followup.report_submit(report=report, version=report.version, by=user)
            for item in report.items.all():
                followup.item_assess(item=item, verdict="agree", comment="Seen.", by=staff)
        made.append(cycle)
    return user, made


def test_the_report_page_and_the_submit_page_do_not_grow_with_recommendations_evidence_or_submissions(client):
    small_user, (small,) = kenya_cycles(recommendations=1, cycles=1, submissions=1)
    client.force_login(small_user)
    counts_small = [
        queries(client, reverse("followup:report", args=[small.pk])),
        queries(client, reverse("followup:submit", args=[small.pk])),
    ]
    _user, (large,) = kenya_cycles(recommendations=20, cycles=1, submissions=3)
    counts_large = [
        queries(client, reverse("followup:report", args=[large.pk])),
        queries(client, reverse("followup:submit", args=[large.pk])),
    ]
    assert counts_small == counts_large
    assert counts_large == [REPORT_QUERIES, SUBMIT_QUERIES]
    # From the cache: the user (with its contact).
    client.get(reverse("followup:report", args=[large.pk]))
    with CaptureQueriesContext(connection) as cached:
        assert client.get(reverse("followup:report", args=[large.pk])).status_code == 200
    assert len(cached) == 1


def test_the_cycle_list_does_not_grow_with_cycles(client):
    user, _cycles = kenya_cycles(recommendations=2, cycles=1, submissions=1)
    client.force_login(user)
    one = queries(client, reverse("followup:cycle_list"))
    kenya_cycles(recommendations=2, cycles=2, submissions=1)
    assert queries(client, reverse("followup:cycle_list")) == one == CYCLE_LIST_QUERIES


def test_the_network_page_does_not_grow_with_countries_or_cycles(client):
    few_user, _network = network_user(short_name="FEW", members=("KE", "TZ"))
    package = distributed_package(countries=("KE",))
    cycle = open_cycle(package)
    CountryReport.objects.create(cycle=cycle, member_country=member_country("KE"))
    client.force_login(few_user)
    few = queries(client, reverse("followup:network"))

    everyone = list(MemberCountry.objects.active())
    many_user, _network = network_user(short_name="ALL", members=[c.iso2 for c in everyone])
    for _ in range(3):
        package = distributed_package(countries=())
        distribution = Distribution.objects.get(package=package)
        contacts = {c.pk: primary_contact(c.iso2) for c in everyone}
        Delivery.objects.bulk_create(
            Delivery(
                distribution=distribution,
                package=package,
                contact=contacts[c.pk],
                member_country=c,
                email=contacts[c.pk].email,
                status="sent",
                sent_at=timezone.now(),
            )
            for c in everyone
        )
        cycle = open_cycle(package)
        CountryReport.objects.bulk_create(CountryReport(cycle=cycle, member_country=c) for c in everyone[::2])
    client.force_login(many_user)
    many = queries(client, reverse("followup:network"))
    assert few == many == NETWORK_QUERIES


@pytest.fixture(autouse=True)
def _account_row_loaded_per_request(settings):
    """The pinned counts include loading the signed-in account (what its first request pays; envcrime.auth
    caches the row after: tests/test_account_cache.py)."""
    settings.AUTH_USER_CACHE_SECONDS = 0
