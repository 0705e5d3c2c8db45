"""The team's follow-up pages through the test client: forms, refusals as messages (never a 500), conflicts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from recommendations.models import CountryReport, Evidence, ImplementationItem, ReportingCycle

from .factories import EXE_BYTES, PDF_BYTES, distributed_package, open_cycle, team_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def kenya(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    package = distributed_package(countries=("KE", "NP"), recommendations=2)
    cycle = open_cycle(package)
    first, second = Client(), Client()
    first.force_login(team_member("KE", primary=True, first_name="Amina", last_name="Odhiambo"))
    second.force_login(team_member("KE", first_name="Joseph", last_name="Kamau"))
    recommendations = list(package.visit.recommendations.filter(audience="member_countries").order_by("number"))
    return cycle, recommendations, first, second


def answer(recommendation, version=0, **values):
    data = {
        "response": "supported",
        "justification": "",
        "status": "in_progress",
        "lead_agency": "Kenya Wildlife Service",
        "actions_taken": "",
        "planned_completion": "",
        "version": version,
        **values,
    }
    return {f"r{recommendation.pk}-{name}": value for name, value in data.items()}


def item_url(cycle, recommendation):
    return f"/follow-up/{cycle.pk}/recommendations/{recommendation.pk}/"


def test_a_team_member_saves_an_answer_and_the_page_shows_it(kenya):
    cycle, (first_rec, _second_rec), amina, _joseph = kenya
    response = amina.post(item_url(cycle, first_rec), answer(first_rec, 0, lead_agency="KWS rangers"))
    assert response.status_code == 302 and response["Location"].endswith(f"/follow-up/{cycle.pk}/#rec-1")
    page = amina.get(f"/follow-up/{cycle.pk}/")
    assert page.status_code == 200 and "KWS rangers" in page.content.decode()
    item = ImplementationItem.objects.get(report__member_country__iso2="KE", recommendation=first_rec)
    assert item.lead_agency == "KWS rangers" and item.report.version == 1


def test_the_second_of_two_saves_from_the_same_page_is_refused_showing_what_changed_and_keeping_the_entries(kenya):
    cycle, (first_rec, _second_rec), amina, joseph = kenya
    # Both opened the page at version 0; Amina saves first.
    assert amina.post(item_url(cycle, first_rec), answer(first_rec, 0, lead_agency="Amina's agency")).status_code == 302
    refused = joseph.post(item_url(cycle, first_rec), answer(first_rec, 0, lead_agency="Joseph's agency"))
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Someone else changed this report" in html
    assert "Amina Odhiambo" in html and "Amina&#x27;s agency" in html, "who changed what is shown"
    assert "Joseph&#x27;s agency" in html, "the refused entries are still in the form"
    item = ImplementationItem.objects.get(report__member_country__iso2="KE", recommendation=first_rec)
    assert item.lead_agency == "Amina's agency", "nothing was overwritten"
    # Saving again from the refused page (which now carries the new version) is a knowing overwrite.
    assert (
        joseph.post(item_url(cycle, first_rec), answer(first_rec, 1, lead_agency="Joseph's agency")).status_code == 302
    )
    item.refresh_from_db()
    assert item.lead_agency == "Joseph's agency"


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"response": "noted", "justification": ""}, "Explain why the recommendation is not supported."),
        ({"status": "fully_implemented"}, "needs at least one piece of evidence"),
        ({"planned_completion": "2001-01-01"}, "cannot be in the past"),
        ({"status": "done"}, "Select a valid choice"),
        ({"version": "x"}, "This page is out of date or was altered"),
    ],
)
def test_bad_answers_get_a_clear_message_and_write_nothing(kenya, values, message):
    cycle, (first_rec, _second_rec), amina, _joseph = kenya
    response = amina.post(item_url(cycle, first_rec), answer(first_rec, **{"version": 0, **values}))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImplementationItem.objects.filter(recommendation=first_rec).exclude(response="").exists()


def test_a_renamed_executable_is_refused_a_pdf_is_stored_and_only_the_team_downloads_it(kenya):
    cycle, (first_rec, _second_rec), amina, _joseph = kenya
    url = f"/follow-up/{cycle.pk}/recommendations/{first_rec.pk}/evidence/"
    bad = SimpleUploadedFile("report.pdf", EXE_BYTES, content_type="application/pdf")
    response = amina.post(url, {f"e{first_rec.pk}-file": bad}, follow=True)
    assert "Only PDF files, images and office documents" in response.content.decode()
    assert not Evidence.objects.exists()

    good = SimpleUploadedFile("order.pdf", PDF_BYTES, content_type="application/octet-stream")
    amina.post(url, {f"e{first_rec.pk}-file": good})
    evidence = Evidence.objects.get()
    assert evidence.content_type == "application/pdf" and evidence.file.name.endswith(".pdf")
    assert "order" not in evidence.file.name, "the stored name is the server's, not the user's"
    download = amina.get(f"/follow-up/{cycle.pk}/evidence/{evidence.pk}/")
    assert download.status_code == 200 and download["Cache-Control"] == "no-store"
    assert b"".join(download.streaming_content) == PDF_BYTES

    nepal = Client()
    nepal.force_login(team_member("NP", primary=True))
    assert nepal.get(f"/follow-up/{cycle.pk}/evidence/{evidence.pk}/").status_code == 404
    assert nepal.post(f"/follow-up/{cycle.pk}/evidence/{evidence.pk}/remove/").status_code == 404
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_submit_asks_for_confirmation_then_freezes_the_report_and_the_list_shows_it(kenya):
    cycle, recommendations, amina, _joseph = kenya
    for version, recommendation in enumerate(recommendations):
        assert amina.post(item_url(cycle, recommendation), answer(recommendation, version)).status_code == 302
    submit_url = f"/follow-up/{cycle.pk}/submit/"
    assert amina.get(submit_url).status_code == 200
    unconfirmed = amina.post(submit_url, {"version": 2})
    assert unconfirmed.status_code == 400
    assert CountryReport.objects.get().status == "draft"
    assert amina.post(submit_url, {"version": 2, "confirm": "on"}).status_code == 302
    report = CountryReport.objects.get()
    assert report.status == "submitted" and report.submission_count == 1
    assert "Submitted (no. 1)" in amina.get("/follow-up/").content.decode()


def test_a_closed_cycle_is_read_only(kenya):
    cycle, (first_rec, _second_rec), amina, _joseph = kenya
    ReportingCycle.objects.filter(pk=cycle.pk).update(status="closed")
    page = amina.get(f"/follow-up/{cycle.pk}/").content.decode()
    assert "This cycle is closed" in page and "Save draft" not in page
    response = amina.post(item_url(cycle, first_rec), answer(first_rec, 0), follow=True)
    assert "This reporting cycle is closed." in response.content.decode()
    assert not CountryReport.objects.exists()
