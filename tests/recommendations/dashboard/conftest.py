"""A small cycle whose every figure is known: Kenya implementing, France drafting, Nepal silent."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from programmes.models import Contact
from recommendations.models import (
    Assessment,
    CountryReport,
    Delivery,
    Distribution,
    ImplementationItem,
    Recommendation,
    ReportingCycle,
    Submission,
)
from recommendations.services import publishing
from tests.factories import ContactFactory, StaffFactory, member_country
from tests.recommendations.factories import RecommendationFactory, published_package


@dataclass
class SmallCycle:
    cycle: ReportingCycle
    recommendations: list[Recommendation]
    kenya: Contact
    nepal: Contact
    france: Contact


def _delivery(distribution, contact, *, downloaded=False, acknowledged=False) -> Delivery:
    now = timezone.now()
    return Delivery.objects.create(
        distribution=distribution,
        package=distribution.package,
        contact=contact,
        member_country=contact.member_country,
        email=contact.email,
        status=Delivery.Status.SENT,
        sent_at=now,
        first_downloaded_at=now if downloaded else None,
        acknowledged_at=now if acknowledged else None,
    )


@pytest.fixture
def small_cycle(settings, tmp_path) -> SmallCycle:
    settings.MEDIA_ROOT = tmp_path
    package = published_package(title="Lyon recommendations")
    recommendations = [
        RecommendationFactory(visit=package.visit, number=1, title="Name an environmental crime focal point"),
        RecommendationFactory(visit=package.visit, number=2, title='=HYPERLINK("http://evil.example") share data'),
    ]
    package.content = publishing._snapshot_content(package)
    package.save(update_fields=["content"])
    contacts = {
        iso2: ContactFactory(
            member_country=member_country(iso2), is_primary=True, email=f"ncb.{iso2.lower()}@example.org"
        )
        for iso2 in ("KE", "NP", "FR")
    }
    distribution = Distribution.objects.create(package=package)
    _delivery(distribution, contacts["KE"], downloaded=True, acknowledged=True)
    _delivery(distribution, contacts["NP"])
    _delivery(distribution, contacts["FR"], downloaded=True, acknowledged=True)
    cycle = ReportingCycle.objects.create(
        package=package, title="Six-month progress report", due_date=timezone.localdate() - datetime.timedelta(days=3)
    )
    now = timezone.now()
    kenya_report = CountryReport.objects.create(
        cycle=cycle,
        member_country=contacts["KE"].member_country,
        status=CountryReport.Status.SUBMITTED,
        submission_count=1,
        submitted_at=now,
    )
    first, second = ImplementationItem.objects.bulk_create(
        [
            ImplementationItem(
                report=kenya_report,
                recommendation=recommendations[0],
                response="supported",
                status=ImplementationItem.Status.FULLY_IMPLEMENTED,
                lead_agency="Kenya Wildlife Service",
            ),
            ImplementationItem(
                report=kenya_report,
                recommendation=recommendations[1],
                response="supported",
                status=ImplementationItem.Status.IN_PROGRESS,
                lead_agency="@Customs",
            ),
        ]
    )
    submission = Submission.objects.create(report=kenya_report, number=1, submitted_at=now)
    Assessment.objects.create(item=first, submission=submission, verdict=Assessment.Verdict.AGREE)
    CountryReport.objects.create(cycle=cycle, member_country=contacts["FR"].member_country)
    return SmallCycle(cycle, recommendations, contacts["KE"], contacts["NP"], contacts["FR"])


@pytest.fixture
def staff_client(client, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    client.force_login(StaffFactory(is_superuser=False))
    return client
