"""The follow-up's writes: item rules, evidence, submissions and history, review, locking, scope."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone

from recommendations.models import Assessment, CountryReport, Evidence, ImplementationItem, Reminder, ReportEvent
from recommendations.selectors import followup as selectors
from recommendations.services import followup
from tests.factories import member_country

from .factories import (
    EXE_BYTES,
    PNG_BYTES,
    distributed_package,
    network_user,
    open_cycle,
    pdf_upload,
    team_member,
)

pytestmark = pytest.mark.django_db

ANSWER = {
    "response": "supported",
    "justification": "",
    "status": "in_progress",
    "lead_agency": "Kenya Wildlife Service",
    "actions_taken": "A focal point was named.",
    "planned_completion": None,
}


@pytest.fixture
def kenya_report():
    package = distributed_package()
    cycle = open_cycle(package)
    report = followup.report_start(cycle=cycle, member_country_id=member_country("KE").pk)
    return report


def items_of(report):
    return list(report.items.select_related("recommendation").order_by("recommendation__number"))


def save(item, by, version=None, **values):
    report = CountryReport.objects.get(pk=item.report_id)
    return followup.item_save(
        item=item, values={**ANSWER, **values}, version=report.version if version is None else version, by=by
    )


def test_the_report_has_one_item_per_recommendation_for_member_countries_only(kenya_report):
    items = items_of(kenya_report)
    assert [i.recommendation.number for i in items] == [1, 2, 3]
    # Starting again adds nothing.
    followup.report_start(cycle=kenya_report.cycle, member_country_id=kenya_report.member_country_id)
    assert kenya_report.items.count() == 3


def test_a_saved_answer_is_recorded_with_who_and_what_changed(kenya_report):
    user = team_member("KE")
    item = items_of(kenya_report)[0]
    save(item, user)
    item.refresh_from_db()
    assert (item.response, item.status, item.updated_by) == ("supported", "in_progress", user)
    event = ReportEvent.objects.get(report=kenya_report, kind="saved")
    assert event.by == user and event.item == item
    assert event.changes["status"] == ["", "in_progress"]
    assert CountryReport.objects.get(pk=kenya_report.pk).version == 1


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"response": "noted", "justification": "  "}, "justification"),
        ({"response": "not_applicable"}, "justification"),
        ({"status": "fully_implemented"}, "status"),
        ({"planned_completion": timezone.localdate() - timedelta(days=1)}, "planned_completion"),
    ],
)
def test_a_broken_rule_is_refused_with_a_message_and_writes_nothing(kenya_report, values, field):
    item = items_of(kenya_report)[0]
    with pytest.raises(ValidationError) as refused:
        save(item, team_member("KE"), **values)
    assert field in refused.value.message_dict
    item.refresh_from_db()
    assert item.response == "" and item.status == ""
    assert not ReportEvent.objects.exists()
    assert CountryReport.objects.get(pk=kenya_report.pk).version == 0


def test_a_justified_response_and_a_future_plan_are_accepted(kenya_report):
    item = items_of(kenya_report)[0]
    plan = timezone.localdate() + timedelta(days=30)
    save(
        item,
        team_member("KE"),
        response="under_consideration",
        justification="Budget next year.",
        planned_completion=plan,
    )
    item.refresh_from_db()
    assert item.planned_completion == plan


def test_fully_implemented_is_accepted_once_there_is_evidence(kenya_report):
    user = team_member("KE")
    item = items_of(kenya_report)[0]
    followup.evidence_add(item=item, by=user, upload=pdf_upload())
    save(item, user, status="fully_implemented")
    item.refresh_from_db()
    assert item.status == "fully_implemented"
    # The last piece of evidence of a fully implemented item stays.
    with pytest.raises(ValidationError):
        followup.evidence_remove(evidence=item.evidence.get(), by=user)
    assert item.evidence.count() == 1


def test_evidence_is_checked_by_content_and_stored_privately_with_its_checksum(kenya_report, settings):
    user = team_member("KE")
    item = items_of(kenya_report)[0]
    evidence = followup.evidence_add(item=item, by=user, upload=pdf_upload("Rapport d'activité.pdf"))
    assert evidence.content_type == "application/pdf"
    assert evidence.original_name == "Rapport d'activité.pdf"
    assert len(evidence.sha256) == 64 and evidence.size > 0
    # A name the server chose, under MEDIA_ROOT, which no URL serves.
    assert "activit" not in evidence.file.name and evidence.file.name.endswith(".pdf")
    assert evidence.file.path.startswith(str(settings.MEDIA_ROOT))
    image = followup.evidence_add(item=item, by=user, upload=SimpleUploadedFile("photo.png", PNG_BYTES))
    assert image.content_type == "image/png"
    link = followup.evidence_add(item=item, by=user, url="https://example.org/decree")
    assert link.url and not link.file


def test_a_renamed_executable_is_refused_and_nothing_is_written(kenya_report, settings):
    item = items_of(kenya_report)[0]
    upload = SimpleUploadedFile("report.pdf", EXE_BYTES, content_type="application/pdf")
    with pytest.raises(ValidationError):
        followup.evidence_add(item=item, by=team_member("KE"), upload=upload)
    assert not Evidence.objects.exists()
    assert not (settings.MEDIA_ROOT / "followup").exists()


def test_a_file_over_ten_megabytes_is_refused(kenya_report):
    item = items_of(kenya_report)[0]
    with pytest.raises(ValidationError) as refused:
        followup.evidence_add(item=item, by=team_member("KE"), upload=pdf_upload(size=11 * 1024 * 1024))
    assert "10 MB" in str(refused.value)
    assert not Evidence.objects.exists()


def test_submissions_are_frozen_numbered_snapshots_and_an_edit_reopens_the_report(kenya_report):
    user = team_member("KE")
    items = items_of(kenya_report)
    with pytest.raises(followup.FollowupError):
        followup.report_submit(report=kenya_report, version=0, by=user)  # nothing answered yet
    for item in items:
        save(item, user)
    report = CountryReport.objects.get(pk=kenya_report.pk)
    first = followup.report_submit(report=report, version=report.version, by=user)
    report.refresh_from_db()
    assert (first.number, report.status, report.submission_count, report.submitted_by) == (1, "submitted", 1, user)
    assert [i["status"] for i in first.snapshot["items"]] == ["in_progress"] * 3

    save(items[0], user, status="partially_implemented")
    report.refresh_from_db()
    assert report.status == "draft", "an edit after submission reopens the report"
    first.refresh_from_db()
    assert first.snapshot["items"][0]["status"] == "in_progress", "the snapshot never changes"
    second = followup.report_submit(report=report, version=report.version, by=user)
    assert second.number == 2
    assert second.snapshot["items"][0]["status"] == "partially_implemented"
    kinds = list(ReportEvent.objects.filter(report=report).order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == ["saved"] * 3 + ["submitted", "reopened", "saved", "submitted"]


def submitted(report, user):
    for item in items_of(report):
        save(item, user)
    report = CountryReport.objects.get(pk=report.pk)
    followup.report_submit(report=report, version=report.version, by=user)
    return CountryReport.objects.get(pk=report.pk)


def test_staff_assess_an_item_of_the_latest_submission_a_second_verdict_replaces_the_first(kenya_report):
    from tests.factories import StaffFactory

    report = submitted(kenya_report, team_member("KE"))
    staff = StaffFactory()
    item = items_of(report)[0]
    followup.item_assess(item=item, verdict="partly_agree", comment="The focal point lacks a mandate.", by=staff)
    followup.item_assess(item=item, verdict="agree", comment="Mandate shown.", by=staff)
    assessment = Assessment.objects.get(item=item)
    assert (assessment.verdict, assessment.submission.number, assessment.assessed_by) == ("agree", 1, staff)
    with pytest.raises(ValidationError):
        followup.item_assess(item=item, verdict="maybe", comment="", by=staff)


def test_an_unsubmitted_report_cannot_be_assessed_or_sent_back(kenya_report):
    from tests.factories import StaffFactory

    staff = StaffFactory()
    with pytest.raises(followup.FollowupError):
        followup.item_assess(item=items_of(kenya_report)[0], verdict="agree", comment="", by=staff)
    with pytest.raises(followup.FollowupError):
        followup.report_send_back(report=kenya_report, request_text="Why?", by=staff)


def test_send_back_returns_the_report_and_emails_the_team_in_their_language(
    kenya_report, mailoutbox, django_capture_on_commit_callbacks
):
    from tests.factories import StaffFactory

    liaison = team_member("KE", primary=True)
    colleague = team_member("KE")
    colleague.contact.preferred_language = "fr"
    colleague.contact.save(update_fields=["preferred_language"])
    report = submitted(kenya_report, liaison)
    with pytest.raises(ValidationError):
        followup.report_send_back(report=report, request_text="  ", by=StaffFactory())
    with django_capture_on_commit_callbacks(execute=True):
        followup.report_send_back(report=report, request_text="Which agency leads item 2?", by=StaffFactory())
    report.refresh_from_db()
    assert report.status == "returned" and report.return_request == "Which agency leads item 2?"
    assert sorted(m.to[0] for m in mailoutbox) == sorted([liaison.email, colleague.email])
    french = next(m for m in mailoutbox if m.to == [colleague.email])
    english = next(m for m in mailoutbox if m.to == [liaison.email])
    assert "Which agency leads item 2?" in english.body
    # Rendered under the colleague's language (French wording arrives with the translations).
    assert 'lang="fr"' in french.alternatives[0][0] and 'lang="en"' in english.alternatives[0][0]
    # Resubmitting is a new numbered submission.
    second = followup.report_submit(report=report, version=report.version, by=liaison)
    assert second.number == 2


def test_opening_a_cycle_invites_every_country_with_a_primary_contact(django_capture_on_commit_callbacks, mailoutbox):
    from tests.factories import StaffFactory

    package = distributed_package(countries=("KE", "NP"))
    with django_capture_on_commit_callbacks(execute=True):
        cycle = followup.cycle_open(
            package=package,
            title="Six-month report",
            due_date=timezone.localdate() + timedelta(days=180),
            by=StaffFactory(),
        )
    assert Reminder.objects.filter(cycle=cycle, kind="invitation", status="sent").count() == 2
    assert len(mailoutbox) == 2
    with pytest.raises(followup.FollowupError):
        followup.cycle_open(package=package, title="Late", due_date=timezone.localdate(), by=None)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_of_two_concurrent_saves_of_one_item_the_second_is_refused_and_shows_what_changed():
    package = distributed_package()
    report = followup.report_start(cycle=open_cycle(package), member_country_id=member_country("KE").pk)
    alice, bob = team_member("KE", first_name="Alice"), team_member("KE", first_name="Bob")
    item = items_of(report)[0]
    version = report.version  # both opened the page at this version
    barrier = threading.Barrier(2)
    outcomes = {}

    def edit(user, agency):
        try:
            barrier.wait(timeout=10)
            followup.item_save(item=item, values={**ANSWER, "lead_agency": agency}, version=version, by=user)
            outcomes[user.first_name] = "saved"
        except followup.ReportChanged as refused:
            outcomes[user.first_name] = refused
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=args) for args in ((alice, "Customs"), (bob, "Police"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(o if o == "saved" else "refused" for o in outcomes.values()) == ["refused", "saved"]
    winner = next(name for name, o in outcomes.items() if o == "saved")
    refused = next(o for o in outcomes.values() if o != "saved")
    item.refresh_from_db()
    assert item.lead_agency == {"Alice": "Customs", "Bob": "Police"}[winner], "the first save stands"
    (change,) = refused.changes
    assert winner in change.by
    assert change.changes["lead_agency"] == ["", item.lead_agency]
    assert CountryReport.objects.get(pk=report.pk).version == 1


def test_a_save_on_an_outdated_page_of_another_item_is_not_refused(kenya_report):
    user = team_member("KE")
    first, second = items_of(kenya_report)[:2]
    save(first, user, version=0)
    save(second, user, version=0)  # the page was loaded before the first save, but nothing of this item changed
    assert ImplementationItem.objects.filter(report=kenya_report, status="in_progress").count() == 2


def test_a_network_user_sees_only_its_members_status():
    package = distributed_package(countries=("KE", "TZ", "NP"))
    cycle = open_cycle(package)
    for iso2 in ("KE", "NP"):
        followup.report_start(cycle=cycle, member_country_id=member_country(iso2).pk)
    user, network = network_user(members=("KE", "TZ"))
    assert selectors.user_network(user) == network
    cycles, rows = selectors.network_overview(network)
    assert cycles == [cycle]
    assert [country.iso2 for country, _statuses in rows] == ["KE", "TZ"]
    assert rows[0][1][0][0] == "draft" and rows[1][1] == [None]
