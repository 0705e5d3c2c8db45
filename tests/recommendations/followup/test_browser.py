"""The follow-up in Chromium: the Kenya liaison reports and submits, staff assess and send back, the
liaison sees the request (screenshots under test-artifacts/screenshots/followup-*.png)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import timezone

from recommendations.models import Assessment, CountryReport, Evidence
from tests.conftest import screenshot
from tests.factories import StaffFactory

from .factories import PDF_BYTES, distributed_package, open_cycle, team_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(context, live_server, user):
    """The session of a signed-in user, as a cookie of the browser context (the sign-in page has its own tests)."""
    client = Client()
    client.force_login(user)
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])


def review_staff():
    """Staff who may view and change country reports, superuser or not (StaffFactory may become either)."""
    staff = StaffFactory(email="reviewer@example.org")
    staff.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="recommendations", codename__in=["view_countryreport", "change_countryreport"]
        )
    )
    return staff


def test_kenya_reports_staff_assess_and_send_back_the_liaison_sees_the_request(
    live_server, page, browser_problems, browser, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    package = distributed_package(countries=("KE", "NP"), recommendations=2)
    cycle = open_cycle(package)
    liaison = team_member("KE", primary=True, first_name="Amina", last_name="Odhiambo")
    pdf = tmp_path / "working-group-order.pdf"
    pdf.write_bytes(PDF_BYTES)

    sign_in(page.context, live_server, liaison)
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Follow-up").click()
    page.get_by_role("link", name=cycle.title).click()
    page.get_by_role("heading", name="1. Recommendation 1").wait_for()

    first = page.locator("#rec-1")
    first.get_by_label("Response").select_option(label="Supported")
    first.get_by_label("Implementation status").select_option(label="In progress")
    first.get_by_label("Lead national agency").fill("Kenya Wildlife Service")
    first.get_by_label("Actions taken").fill("A focal point was named at the NCB.")
    first.get_by_label("Planned completion").fill((timezone.localdate() + timedelta(days=90)).isoformat())
    first.get_by_role("button", name="Save draft").click()
    page.get_by_text("Recommendation 1 saved.").wait_for()

    second = page.locator("#rec-2")
    second.get_by_label("File").set_input_files(str(pdf))
    second.get_by_role("button", name="Add evidence").click()
    page.get_by_text("Evidence added.").wait_for()
    second = page.locator("#rec-2")
    second.get_by_label("Response").select_option(label="Noted")
    second.get_by_label("Justification").fill("The working group was set up before the visit.")
    second.get_by_label("Implementation status").select_option(label="Fully implemented")
    second.get_by_role("button", name="Save draft").click()
    page.get_by_text("Recommendation 2 saved.").wait_for()
    assert page.locator("#rec-2").get_by_role("link", name="working-group-order.pdf").is_visible()
    screenshot(page, "followup-report-filled")

    page.get_by_role("link", name="Review and submit").click()
    page.get_by_label("I confirm that this report may be sent").check()
    screenshot(page, "followup-submit-confirm")
    page.get_by_role("button", name="Submit the report").click()
    page.get_by_text("Report submitted (submission 1)").wait_for()

    report = CountryReport.objects.get(cycle=cycle, member_country__iso2="KE")
    assert report.status == "submitted" and report.submission_count == 1
    [submission] = report.submissions.all()
    assert [i["status"] for i in submission.snapshot["items"]] == ["in_progress", "fully_implemented"]
    assert Evidence.objects.get(item__report=report).original_name == "working-group-order.pdf"

    staff_context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    staff_page = staff_context.new_page()
    staff_page.set_default_timeout(15_000)
    sign_in(staff_context, live_server, review_staff())
    staff_page.goto(f"{live_server.url}/admin/recommendations/countryreport/{report.pk}/review/")
    row = staff_page.locator("#item-1")
    row.get_by_label("Secretariat assessment").select_option(label="Partly agree")
    row.get_by_label("Comment").fill("Please name the focal point.")
    row.get_by_role("button", name="Save assessment").click()
    staff_page.get_by_text("Recommendation 1 assessed.").wait_for()
    staff_page.get_by_label("Clarification requested").fill("Who is the focal point at the NCB? Attach the order.")
    staff_page.get_by_role("button", name="Send back to the country").click()
    staff_page.get_by_text("The report was sent back").wait_for()
    screenshot(staff_page, "followup-staff-review")
    staff_context.close()

    assert Assessment.objects.get(item__report=report).verdict == "partly_agree"
    page.goto(f"{live_server.url}/follow-up/{cycle.pk}/")
    request_box = page.locator("#return-request")
    assert "Who is the focal point at the NCB?" in request_box.inner_text()
    assert "Partly agree" in page.locator("#rec-1").inner_text()
    screenshot(page, "followup-report-returned")
    assert browser_problems == []
