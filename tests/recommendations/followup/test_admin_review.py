"""Staff review in the admin: assess items, send a report back, open evidence, open and chase cycles.

Staff here are programme staff (the group's permissions), never superusers: the review must work with
the permissions the role gives, and refuse writes to staff who may only view.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programmes.roles import PROGRAMME_STAFF
from recommendations.models import Assessment, CountryReport, Reminder, ReportEvent, ReportingCycle
from recommendations.services import followup
from tests.factories import UserFactory, member_country

from .factories import distributed_package, open_cycle, pdf_upload, team_member

pytestmark = pytest.mark.django_db

ANSWER = {"response": "supported", "status": "in_progress", "lead_agency": "Kenya Wildlife Service"}


@pytest.fixture(autouse=True)
def _no_second_factor_needed(settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False


@pytest.fixture
def programme_staff():
    return UserFactory(is_staff=True, roles=[PROGRAMME_STAFF])


def submitted_report(iso2="KE", recommendations=2, package=None):
    user = team_member(iso2, primary=True)
    package = package or distributed_package(countries=(iso2,), recommendations=recommendations)
    cycle = ReportingCycle.objects.filter(package=package).first() or open_cycle(package)
    report = followup.report_start(cycle=cycle, member_country_id=member_country(iso2).pk)
    for item in report.items.order_by("recommendation__number"):
        report.refresh_from_db()
        followup.item_save(item=item, values=ANSWER, version=report.version, by=user)
    followup.evidence_add(item=report.items.first(), by=user, upload=pdf_upload("order.pdf"))
    report.refresh_from_db()
    followup.report_submit(report=report, version=report.version, by=user)
    return CountryReport.objects.get(pk=report.pk)


def review_url(report):
    return reverse("admin:recommendations_countryreport_review", args=[report.pk])


def test_programme_staff_assess_an_item_and_the_page_shows_both_assessments(client, programme_staff):
    report = submitted_report()
    item = report.items.order_by("recommendation__number").first()
    client.force_login(programme_staff)
    response = client.post(
        review_url(report),
        {"item": item.pk, f"i{item.pk}-verdict": "partly_agree", f"i{item.pk}-comment": "Name them."},
    )
    assert response.status_code == 302
    assessment = Assessment.objects.get(item=item)
    assert (assessment.verdict, assessment.comment, assessment.assessed_by) == (
        "partly_agree",
        "Name them.",
        programme_staff,
    )
    page = client.get(review_url(report)).content.decode()
    assert "Kenya Wildlife Service" in page and "Name them." in page
    assert ReportEvent.objects.filter(report=report, kind="assessed", by=programme_staff).exists()


def test_sending_back_returns_the_report_and_emails_the_team(
    client, programme_staff, mailoutbox, django_capture_on_commit_callbacks
):
    report = submitted_report()
    client.force_login(programme_staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review_url(report), {"send_back": "1", "request": "Attach the order, please."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.return_request) == ("returned", "Attach the order, please.")
    (message,) = mailoutbox
    assert "Attach the order, please." in message.body
    assert f"/follow-up/{report.cycle_id}/" in message.body


def test_an_empty_request_or_a_bad_verdict_writes_nothing(client, programme_staff):
    report = submitted_report()
    item = report.items.first()
    client.force_login(programme_staff)
    assert client.post(review_url(report), {"send_back": "1", "request": "   "}).status_code == 200
    assert client.post(review_url(report), {"item": item.pk, f"i{item.pk}-verdict": "maybe"}).status_code == 200
    report.refresh_from_db()
    assert report.status == "submitted" and not Assessment.objects.exists()


def test_an_item_of_another_report_cannot_be_assessed_through_this_one(client, programme_staff):
    report = submitted_report("KE")
    other = submitted_report("NP")
    foreign = other.items.first()
    client.force_login(programme_staff)
    response = client.post(review_url(report), {"item": foreign.pk, f"i{foreign.pk}-verdict": "agree"})
    assert response.status_code == 404
    assert client.get(reverse("admin:recommendations_countryreport_review", args=[999999])).status_code == 404
    assert not Assessment.objects.exists()


def test_staff_who_may_only_view_read_the_review_but_cannot_write(client):
    report = submitted_report()
    item = report.items.first()
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_countryreport"))
    client.force_login(viewer)
    assert client.get(review_url(report)).status_code == 200
    assert client.post(review_url(report), {"item": item.pk, f"i{item.pk}-verdict": "agree"}).status_code == 403
    assert client.post(review_url(report), {"send_back": "1", "request": "Why?"}).status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted" and not Assessment.objects.exists()


def test_staff_open_evidence_privately_and_only_through_its_report(client, programme_staff):
    report = submitted_report("KE")
    other = submitted_report("NP")
    evidence = report.items.first().evidence.get()
    client.force_login(programme_staff)
    response = client.get(reverse("admin:recommendations_countryreport_evidence", args=[report.pk, evidence.pk]))
    # The admin adds its own never-cache directives to the download's no-store.
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    wrong = reverse("admin:recommendations_countryreport_evidence", args=[other.pk, evidence.pk])
    assert client.get(wrong).status_code == 404


def test_the_review_page_runs_the_same_queries_for_2_or_20_recommendations(client, programme_staff):
    small, large = submitted_report("KE", recommendations=2), submitted_report("NP", recommendations=20)
    client.force_login(programme_staff)
    counts = []
    for report in (small, large):
        client.get(review_url(report))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(review_url(report)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_opening_a_cycle_in_the_admin_invites_the_countries_and_chase_late_reminds_who_owes(
    client, programme_staff, django_capture_on_commit_callbacks, mailoutbox
):
    package = distributed_package(countries=("KE", "NP"))
    client.force_login(programme_staff)
    add = reverse("admin:recommendations_reportingcycle_add")
    past = {"package": package.pk, "title_en": "Too late", "due_date": timezone.localdate().isoformat()}
    assert client.post(add, past).status_code == 200
    assert not ReportingCycle.objects.exists()
    due = (timezone.localdate() + timedelta(days=180)).isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            add,
            {
                "package": package.pk,
                "title_en": "Six-month progress report",
                "title_fr": "Rapport à six mois",
                "due_date": due,
            },
        )
    assert response.status_code == 302
    cycle = ReportingCycle.objects.get()
    assert cycle.opened_by == programme_staff
    assert (cycle.title_en, cycle.title_fr, cycle.title_ar) == ("Six-month progress report", "Rapport à six mois", None)
    assert Reminder.objects.filter(cycle=cycle, kind="invitation", status="sent").count() == 2
    assert len(mailoutbox) == 2

    ReportingCycle.objects.filter(pk=cycle.pk).update(due_date=timezone.localdate() - timedelta(days=1))
    CountryReport.objects.create(
        cycle=cycle,
        member_country=member_country("NP"),
        status="submitted",
        submitted_at=timezone.now(),
        submission_count=1,
    )
    changelist = reverse("admin:recommendations_reportingcycle_changelist")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(changelist, {"action": "chase_late", "_selected_action": [cycle.pk]})
    chases = Reminder.objects.filter(kind="chase")
    assert [(r.member_country.iso2, r.created_by) for r in chases] == [("KE", programme_staff)]


def test_the_report_change_page_runs_the_same_queries_for_2_or_20_recommendations(client, programme_staff):
    """Its read-only inlines (items, submissions, events) join what each row prints."""
    small, large = submitted_report("KE", recommendations=2), submitted_report("NP", recommendations=20)
    client.force_login(programme_staff)
    counts = []
    for report in (small, large):
        url = reverse("admin:recommendations_countryreport_change", args=[report.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
