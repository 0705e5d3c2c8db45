"""Follow-up data at the programme's full size, bulk-created: for the dashboard's pinned query counts
and for bench/followup.py.

196 member countries (the 190 of the data migration plus the later members listed in
programmes/data/member_countries.csv), one primary contact each, one published package of N
recommendations distributed to all of them, and C reporting cycles in which most countries report:
drafts, submissions, reports sent back, assessments, "fully implemented" items with their evidence
link, and the reminders sent. Every choice follows from a hash of the country, recommendation and
cycle, so two builds are the same data. Plain ORM bulk_create (no factories): the benchmark runs it
outside pytest.
"""

import csv
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.utils import timezone

import programmes
from meetings.models import Visit
from programmes.models import Contact, MemberCountry, Programme
from recommendations.models import (
    Assessment,
    CountryReport,
    Delivery,
    Distribution,
    Evidence,
    ImplementationItem,
    Recommendation,
    RecommendationPackage,
    Reminder,
    ReportingCycle,
    Submission,
)

MEMBER_COUNTRIES_CSV = Path(programmes.__file__).resolve().parent / "data" / "member_countries.csv"
REGION_CODES = {
    "Africa": "africa",
    "Americas": "americas",
    "Asia and South Pacific": "asia_south_pacific",
    "Europe": "europe",
    "Middle East and North Africa": "mena",
}
STATUSES = [choice for choice, _label in ImplementationItem.Status.choices]
VERDICTS = [choice for choice, _label in Assessment.Verdict.choices]


@dataclass
class FollowupData:
    package: RecommendationPackage
    recommendations: list[Recommendation]
    countries: list[MemberCountry]
    cycles: list[ReportingCycle]


def score(*parts) -> int:
    """A stable number 0..99 from the parts."""
    return int(hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:8], 16) % 100


def all_member_countries(count: int = 196) -> list[MemberCountry]:
    """The first `count` member countries by name, adding the later members from the CSV as staff would."""
    with MEMBER_COUNTRIES_CSV.open(newline="", encoding="utf-8") as fh:
        later = [row for row in csv.DictReader(fh) if row["joined_after_2013"].strip()]
    MemberCountry.objects.bulk_create(
        [
            MemberCountry(
                name=row["name"],
                iso2=row["iso2"],
                iso3=row["iso3"],
                region=REGION_CODES[row["region"]],
                joined_year=int(row["joined_after_2013"]),
            )
            for row in later
        ],
        ignore_conflicts=True,
    )
    return list(MemberCountry.objects.active().order_by("name")[:count])


def _primary_contacts(countries) -> dict[int, Contact]:
    existing = {
        contact.member_country_id: contact
        for contact in Contact.objects.active_primary().filter(member_country__in=countries)
    }
    Contact.objects.bulk_create(
        [
            Contact(
                name=f"Liaison officer {country.iso2}",
                title="NCB liaison officer",
                email=f"liaison-{country.iso2.lower()}@bulk.example.org",
                member_country=country,
                is_primary=True,
            )
            for country in countries
            if country.pk not in existing
        ]
    )
    return {
        contact.member_country_id: contact
        for contact in Contact.objects.active_primary().filter(member_country__in=countries)
    }


def _package(recommendations: int, *, now, label: str) -> tuple[RecommendationPackage, list[Recommendation]]:
    programme, _created = Programme.objects.get_or_create(
        slug="environmental-crime", defaults={"name": "Environmental Crime Programme"}
    )
    today = now.date()
    visit = Visit.objects.create(
        programme=programme,
        title=f"Familiarization visit {label}",
        slug=f"bulk-followup-{label}",
        venue="General Secretariat",
        city="Lyon",
        start_date=today - timedelta(days=400),
        end_date=today - timedelta(days=397),
        capacity=16,
        registration_opens_at=now - timedelta(days=500),
        registration_closes_at=now - timedelta(days=420),
        status=Visit.Status.HELD,
    )
    recs = Recommendation.objects.bulk_create(
        [
            Recommendation(
                visit=visit,
                number=number,
                title=f"Recommendation {number}: name a national focal point for case {number}",
                text="Member countries should act on this.",
            )
            for number in range(1, recommendations + 1)
        ]
    )
    package = RecommendationPackage.objects.create(
        visit=visit,
        version=1,
        title=f"Recommendations of the visit {label}",
        status=RecommendationPackage.Status.PUBLISHED,
        published_at=now - timedelta(days=390),
        document_sha256="0" * 64,
        document_size=1,
    )
    return package, recs


def _distribute(package, countries, contacts, *, at) -> None:
    distribution = Distribution.objects.create(package=package, started_at=at, finished_at=at)
    deliveries = []
    for country in countries:
        contact = contacts[country.pk]
        downloaded = score(country.iso2, "downloaded") < 90
        acknowledged = downloaded and score(country.iso2, "acknowledged") < 80
        deliveries.append(
            Delivery(
                distribution=distribution,
                package=package,
                contact=contact,
                member_country=country,
                email=contact.email,
                status=Delivery.Status.SENT,
                attempts=1,
                queued_at=at,
                claimed_at=at,
                sent_at=at,
                first_downloaded_at=at + timedelta(days=1) if downloaded else None,
                download_count=1 if downloaded else 0,
                acknowledged_at=at + timedelta(days=3) if acknowledged else None,
            )
        )
    Delivery.objects.bulk_create(deliveries, batch_size=1000)


def _stage(iso2: str, cycle_index: int) -> str:
    value = score(iso2, cycle_index, "stage")
    return "none" if value < 15 else "draft" if value < 35 else "returned" if value < 42 else "submitted"


def _cycle(cycle_index, package, recs, countries, contacts, *, now) -> ReportingCycle:
    # The oldest cycle closed long ago, the middle one is overdue, the newest is still open.
    due = now.date() + timedelta(days=[-200, -10, 30][cycle_index % 3] - 180 * (cycle_index // 3))
    cycle = ReportingCycle.objects.create(
        package=package,
        title=f"Progress report {cycle_index + 1}",
        due_date=due,
        status=ReportingCycle.Status.CLOSED if cycle_index % 3 == 0 else ReportingCycle.Status.OPEN,
        opened_at=now - timedelta(days=300 - 60 * cycle_index),
    )
    opened = cycle.opened_at
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=Reminder.Kind.INVITATION,
                member_country=country,
                cycle=cycle,
                step=0,
                contact=contacts[country.pk],
                email=contacts[country.pk].email,
                status=Reminder.Status.SENT,
                attempts=1,
                claimed_at=opened,
                sent_at=opened,
                created_at=opened,
            )
            for country in countries
        ],
        batch_size=1000,
    )
    stages = {country.pk: _stage(country.iso2, cycle_index) for country in countries}
    reports = CountryReport.objects.bulk_create(
        [
            CountryReport(
                cycle=cycle,
                member_country=country,
                status="submitted" if stages[country.pk] == "submitted" else stages[country.pk],
                version=len(recs) + 1,
                submission_count=0 if stages[country.pk] == "draft" else 1 + score(country.iso2, cycle_index) % 2,
                submitted_at=None if stages[country.pk] == "draft" else opened + timedelta(days=20),
                returned_at=opened + timedelta(days=25) if stages[country.pk] == "returned" else None,
                return_request="Please attach the order." if stages[country.pk] == "returned" else "",
            )
            for country in countries
            if stages[country.pk] != "none"
        ],
        batch_size=1000,
    )
    iso2_of = {country.pk: country.iso2 for country in countries}
    items = []
    for report in reports:
        iso2 = iso2_of[report.member_country_id]
        for rec in recs:
            value = score(iso2, cycle_index, rec.number)
            status = STATUSES[value % len(STATUSES)]
            response = ImplementationItem.Response.SUPPORTED if value < 80 else ImplementationItem.Response.NOTED
            items.append(
                ImplementationItem(
                    report=report,
                    recommendation=rec,
                    response=response,
                    justification="" if response == ImplementationItem.Response.SUPPORTED else "Budget next year.",
                    status=status,
                    lead_agency="National Central Bureau",
                    actions_taken="A focal point was named.",
                    updated_at=opened + timedelta(days=15),
                )
            )
    items = ImplementationItem.objects.bulk_create(items, batch_size=2000)
    Evidence.objects.bulk_create(
        [
            Evidence(item=item, url=f"https://example.org/evidence/{item.report_id}/{item.recommendation_id}")
            for item in items
            if item.status == ImplementationItem.Status.FULLY_IMPLEMENTED
        ],
        batch_size=2000,
    )
    submissions = Submission.objects.bulk_create(
        [
            Submission(report=report, number=number, submitted_at=report.submitted_at, snapshot={"items": []})
            for report in reports
            for number in range(1, report.submission_count + 1)
        ],
        batch_size=1000,
    )
    latest_submission = {submission.report_id: submission for submission in submissions}
    assessments = []
    for item in items:
        submission = latest_submission.get(item.report_id)
        iso2 = iso2_of[item.report.member_country_id]
        if submission is None or score(iso2, cycle_index, "assessed") >= 60:
            continue
        assessments.append(
            Assessment(
                item=item,
                submission=submission,
                verdict=VERDICTS[score(iso2, cycle_index, item.recommendation_id, "verdict") % len(VERDICTS)],
                assessed_at=submission.submitted_at + timedelta(days=2),
            )
        )
    Assessment.objects.bulk_create(assessments, batch_size=2000)
    return cycle


@transaction.atomic
def build_followup_data(*, countries: int = 196, recommendations: int = 20, cycles: int = 3, label: str = "bulk"):
    """The whole follow-up of one package at full size; returns what it made (cycles oldest first)."""
    now = timezone.now()
    member_countries = all_member_countries(countries)
    contacts = _primary_contacts(member_countries)
    package, recs = _package(recommendations, now=now, label=label)
    _distribute(package, member_countries, contacts, at=now - timedelta(days=380))
    made = [_cycle(index, package, recs, member_countries, contacts, now=now) for index in range(cycles)]
    return FollowupData(package=package, recommendations=recs, countries=member_countries, cycles=made)
