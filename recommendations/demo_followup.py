"""Demo follow-up for `manage.py seed_demo` (idempotent): the Lyon package distributed, a six-month cycle.

Deterministic (every choice follows from a hash of the country code, never from a random generator),
and in bulk, so `make run` stays fast: about 60% of member countries across all regions report, some
submitted, some drafts, some assessed, a few sent back. Kenya's report is a draft; Nepal's was sent back
for clarification, so both demo liaisons have something to look at. Nothing is emailed: the delivery and
invitation rows are recorded as already sent.
"""

import hashlib
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from programmes.models import Contact

from . import demo
from .models import (
    Assessment,
    CountryReport,
    Delivery,
    Distribution,
    Evidence,
    ImplementationItem,
    Recommendation,
    RecommendationPackage,
    Reminder,
    ReportEvent,
    ReportingCycle,
    Submission,
)

CYCLE_TITLE = "Six-month progress report"
CYCLE_TITLES = {
    "fr": "Rapport d'étape à six mois",
    "es": "Informe de situación semestral",
    "ar": "تقرير مرحلي نصف سنوي",
}
EVIDENCE_URL = "https://www.example.org/{iso2}/environmental-crime/recommendation-{number}"
KENYA, NEPAL = "KE", "NP"

AGENCIES = [
    "Kenya Wildlife Service",
    "National Central Bureau",
    "Customs and Border Control",
    "Ministry of Environment",
    "Forestry Department",
    "Fisheries Authority",
]
ACTIONS = [
    "A focal point for environmental crime was named at the National Central Bureau and announced to the networks.",
    "Customs officers at the two main ports were given access to the notices database after a training week.",
    "A national working group meets monthly; the first joint operation is being prepared with the neighbours.",
    "The request was discussed with the ministry; a budget line is foreseen for next year.",
]


def _score(*parts) -> int:
    """A stable number 0..99 from the parts: the same country always gets the same answers."""
    return int(hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:8], 16) % 100


def _answer(iso2: str, recommendation: Recommendation, today) -> dict:
    score = _score(iso2, recommendation.number, "answer")
    status = [
        ImplementationItem.Status.NOT_STARTED,
        ImplementationItem.Status.PLANNED,
        ImplementationItem.Status.IN_PROGRESS,
        ImplementationItem.Status.IN_PROGRESS,
        ImplementationItem.Status.PARTIALLY_IMPLEMENTED,
        ImplementationItem.Status.FULLY_IMPLEMENTED,
    ][score % 6]
    response = ImplementationItem.Response.SUPPORTED
    if score >= 85:
        response = ImplementationItem.Response.UNDER_CONSIDERATION
        status = ImplementationItem.Status.NOT_STARTED
    elif score >= 78:
        response = ImplementationItem.Response.NOTED
    return {
        "response": response,
        "justification": "" if response == ImplementationItem.Response.SUPPORTED else ACTIONS[3],
        "status": status,
        "lead_agency": AGENCIES[score % len(AGENCIES)],
        "actions_taken": ACTIONS[score % 3],
        "planned_completion": today + timedelta(days=60 + score * 3)
        if status in (ImplementationItem.Status.PLANNED, ImplementationItem.Status.IN_PROGRESS)
        else None,
    }


@transaction.atomic
def seed(*, stdout, style) -> None:
    package = RecommendationPackage.objects.filter(
        visit__slug=demo.LYON_VISIT_SLUG, status=RecommendationPackage.Status.PUBLISHED
    ).first()
    if package is None:
        stdout.write(style.WARNING("follow-up: no published Lyon package; skipped."))
        return
    if ReportingCycle.objects.filter(package=package, title_en=CYCLE_TITLE).exists():
        stdout.write("follow-up: the demo cycle already exists.")
        return
    staff = get_user_model().objects.filter(email__iexact=demo.STAFF_EMAIL).first()
    now = timezone.now()
    today = timezone.localdate()
    contacts = list(Contact.objects.addressed().select_related("member_country"))
    distributed_at = now - timedelta(days=170)
    _distribute(package, contacts, staff=staff, at=distributed_at)
    cycle = ReportingCycle.objects.create(
        package=package,
        title_en=CYCLE_TITLE,
        **{f"title_{language}": title for language, title in CYCLE_TITLES.items()},
        due_date=today + timedelta(days=10),
        opened_at=distributed_at + timedelta(days=2),
        opened_by=staff,
    )
    Reminder.objects.bulk_create(
        [
            Reminder(
                kind=Reminder.Kind.INVITATION,
                member_country=contact.member_country,
                cycle=cycle,
                step=0,
                contact=contact,
                email=contact.email,
                language=contact.preferred_language,
                status=Reminder.Status.SENT,
                attempts=1,
                claimed_at=cycle.opened_at,
                sent_at=cycle.opened_at,
                created_at=cycle.opened_at,
            )
            for contact in contacts
        ]
    )
    reports = _reports(cycle, contacts, staff=staff, today=today, now=now)
    stdout.write(
        style.SUCCESS(
            f"follow-up: package distributed to {len(contacts)} countries, cycle “{cycle.title}” due {cycle.due_date}, "
            f"{len(reports)} country reports."
        )
    )


def _distribute(package, contacts, *, staff, at) -> None:
    distribution = Distribution.objects.create(package=package, started_by=staff, started_at=at, finished_at=at)
    deliveries = []
    for contact in contacts:
        score = _score(contact.member_country.iso2, "delivery")
        downloaded = score < 85 or contact.member_country.iso2 in (KENYA, NEPAL)
        acknowledged = downloaded and (score < 72 or contact.member_country.iso2 in (KENYA, NEPAL))
        deliveries.append(
            Delivery(
                distribution=distribution,
                package=package,
                contact=contact,
                member_country=contact.member_country,
                email=contact.email,
                language=contact.preferred_language,
                status=Delivery.Status.SENT,
                attempts=1,
                queued_at=at,
                claimed_at=at,
                sent_at=at,
                first_downloaded_at=at + timedelta(days=1 + score % 9) if downloaded else None,
                download_count=1 + score % 3 if downloaded else 0,
                acknowledged_at=at + timedelta(days=2 + score % 20) if acknowledged else None,
                acknowledged_by=contact.user if acknowledged else None,
            )
        )
    Delivery.objects.bulk_create(deliveries, batch_size=500)


def _reports(cycle, contacts, *, staff, today, now) -> list[CountryReport]:
    recommendations = list(
        Recommendation.objects.filter(
            visit_id=cycle.package.visit_id, audience=Recommendation.Audience.ALL_MEMBER_COUNTRIES
        ).order_by("number")
    )
    reporting = [
        contact
        for contact in contacts
        if _score(contact.member_country.iso2, "reports") < 60 or contact.member_country.iso2 in (KENYA, NEPAL)
    ]
    plans = {}
    reports = []
    for contact in reporting:
        iso2 = contact.member_country.iso2
        score = _score(iso2, "stage")
        stage = "draft" if score < 35 else "returned" if score < 42 else "submitted"
        if iso2 == KENYA:
            stage = "draft"
        elif iso2 == NEPAL:
            stage = "returned"
        submitted_at = now - timedelta(days=1 + score % 30)
        report = CountryReport(
            cycle=cycle,
            member_country=contact.member_country,
            status={"draft": "draft", "returned": "returned", "submitted": "submitted"}[stage],
            version=len(recommendations) + (1 if stage != "draft" else 0),
            submission_count=0 if stage == "draft" else 1,
            submitted_at=None if stage == "draft" else submitted_at,
            submitted_by=None if stage == "draft" else contact.user,
            returned_at=submitted_at + timedelta(days=1) if stage == "returned" else None,
            return_request="Please give the name of the lead agency's focal point and attach the order "
            "naming the national working group."
            if stage == "returned"
            else "",
        )
        plans[iso2] = (stage, contact, submitted_at)
        reports.append(report)
    CountryReport.objects.bulk_create(reports, batch_size=500)

    items, submissions, events = [], [], []
    for report in reports:
        iso2 = report.member_country.iso2
        stage, contact, submitted_at = plans[iso2]
        # A draft answers only the first few recommendations; the others were answered in full.
        answered = recommendations[: 1 + _score(iso2, "drafted") % 3] if stage == "draft" else recommendations
        snapshot_items = []
        for recommendation in answered:
            answer = _answer(iso2, recommendation, today)
            evidence = []
            if answer["status"] == ImplementationItem.Status.FULLY_IMPLEMENTED:
                # "Fully implemented" needs evidence; the demo's is a link (no file to store).
                evidence = [{"name": "", "url": EVIDENCE_URL.format(iso2=iso2.lower(), number=recommendation.number)}]
            items.append(
                ImplementationItem(
                    report=report,
                    recommendation=recommendation,
                    updated_at=submitted_at,
                    updated_by=contact.user,
                    **answer,
                )
            )
            snapshot_items.append(
                {
                    "recommendation": recommendation.number,
                    "title": recommendation.title,
                    **{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in answer.items()},
                    "evidence": [{**e, "sha256": "", "size": None} for e in evidence],
                }
            )
        events.append(
            ReportEvent(
                report=report, kind=ReportEvent.Kind.SAVED, version=len(answered), by=contact.user, at=submitted_at
            )
        )
        if stage != "draft":
            submissions.append(
                Submission(
                    report=report,
                    number=1,
                    submitted_at=submitted_at,
                    submitted_by=contact.user,
                    snapshot={"items": snapshot_items},
                )
            )
    ImplementationItem.objects.bulk_create(items, batch_size=1000)
    Evidence.objects.bulk_create(
        [
            Evidence(
                item=item,
                url=EVIDENCE_URL.format(
                    iso2=item.report.member_country.iso2.lower(), number=item.recommendation.number
                ),
                added_by=item.updated_by,
                added_at=item.updated_at,
            )
            for item in items
            if item.status == ImplementationItem.Status.FULLY_IMPLEMENTED
        ],
        batch_size=1000,
    )
    Submission.objects.bulk_create(submissions, batch_size=500)
    ReportEvent.objects.bulk_create(events, batch_size=500)

    submission_of = {submission.report_id: submission for submission in submissions}
    assessments = []
    for item in items:
        submission = submission_of.get(item.report_id)
        if submission is None or _score(item.report.member_country.iso2, "assessed") >= 50:
            continue
        verdict = [Assessment.Verdict.AGREE, Assessment.Verdict.AGREE, Assessment.Verdict.PARTLY_AGREE][
            _score(item.report.member_country.iso2, item.recommendation.number, "verdict") % 3
        ]
        if _score(item.report.member_country.iso2, item.recommendation.number, "verdict") > 90:
            verdict = Assessment.Verdict.DISAGREE
        assessments.append(
            Assessment(
                item=item,
                submission=submission,
                verdict=verdict,
                comment="" if verdict == Assessment.Verdict.AGREE else "The evidence does not yet show the change.",
                assessed_by=staff,
                assessed_at=submission.submitted_at + timedelta(hours=20),
            )
        )
    Assessment.objects.bulk_create(assessments, batch_size=1000)
    return reports
