"""End to end in headless Chromium: a newcomer signs up and registers; staff confirm in the admin.

Screenshots land in test-artifacts/screenshots/meetings-*.png.
"""

import datetime
import re
from pathlib import Path

import pytest
from django.core import mail
from icalendar import Calendar
from pypdf import PdfReader

from meetings.models import Registration
from programmes.roles import PROGRAMME_STAFF
from tests.conftest import screenshot
from tests.factories import (
    PASSWORD,
    AgendaItemFactory,
    RegistrationFactory,
    UserFactory,
    VisitFactory,
    make_liaison,
    member_country,
)

# serialized_rollback: the flush after each test would otherwise drop the member countries loaded by a migration.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_data"),
]
Status = Registration.Status


def upcoming_visit():
    visit = VisitFactory(
        title="Familiarization visit to the Global Complex for Innovation",
        slug="familiarization-visit-singapore",
        venue="Global Complex for Innovation",
        city="Singapore",
        host_country=member_country("SG"),
        time_zone="Asia/Singapore",
        description="Four days for officers responsible for environmental crime.",
    )
    sessions = [
        ("site_visit", "Tour of the Global Complex for Innovation", "09:00", "10:30"),
        ("presentation", "The Environmental Crime Programme today", "11:00", "12:30"),
        ("tool_review", "Secure communications for frontline officers", "14:00", "15:30"),
        ("case_study", "Case study: a cross-border trafficking network", "16:00", "17:00"),
    ]
    for offset in range(4):
        kind, title, start, end = sessions[offset]
        AgendaItemFactory(
            visit=visit,
            date=visit.start_date + datetime.timedelta(days=offset),
            kind=kind,
            title=title,
            start_time=datetime.time.fromisoformat(start),
            end_time=datetime.time.fromisoformat(end),
            location="Auditorium",
        )
    return visit


def sign_in(page, live_server, email, password):
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def test_newcomer_signs_up_is_endorsed_by_kenya_downloads_the_letter_and_cancels(
    live_server, page, browser_problems, settings
):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    staff = UserFactory(is_staff=True, is_superuser=True, roles=[PROGRAMME_STAFF])
    visit = upcoming_visit()
    liaison, _contact = make_liaison("KE")
    for _ in range(3):
        RegistrationFactory(visit=visit)

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="See familiarization visits").click()
    screenshot(page, "meetings-01-visit-list")
    page.get_by_role("link", name=visit.title).click()
    assert page.locator("#seats-left").inner_text() == "13"
    screenshot(page, "meetings-02-visit-detail")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "meetings-02b-phone-visit-detail")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name="Sign up").last.click()
    page.fill("input[name=email]", "new.delegate@example.org")
    page.fill("input[name=password1]", "a-long-demo-passphrase-2027")
    page.fill("input[name=password2]", "a-long-demo-passphrase-2027")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    screenshot(page, "meetings-03-verify-email")

    (message,) = [m for m in mail.outbox if "new.delegate@example.org" in m.to]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(live_server.url + link[link.index("/accounts/") :])
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    page.goto(live_server.url + visit.get_absolute_url())
    page.get_by_role("link", name="Register", exact=True).click()
    screenshot(page, "meetings-04-register-form")
    # A first attempt without an affiliation is refused with a clear message.
    page.fill("input[name=full_name]", "Amara Okafor")
    page.fill("input[name=job_title]", "Senior wildlife investigator")
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()
    errors = page.locator("main .alert-danger")
    assert errors.count() == 1  # one message, shown once
    assert "Choose the member country or the organisation you represent." in errors.inner_text()
    screenshot(page, "meetings-05-register-form-error")
    assert page.evaluate("document.activeElement.classList.contains('alert')")
    page.fill("input[name=departure_date]", (visit.start_date - datetime.timedelta(days=3)).isoformat())
    page.select_option("select[name=member_country]", label="Kenya")
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()
    assert page.evaluate("document.activeElement.id") == "form-errors"
    assert "Departure" in page.locator("#form-errors").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "meetings-05b-phone-register-form-errors")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.fill("input[name=departure_date]", (visit.end_date + datetime.timedelta(days=1)).isoformat())
    page.select_option("select[name=member_country]", label="Kenya")
    page.check("input[name=needs_visa_letter]")
    page.fill("input[name=nationality]", "Kenyan")
    page.check("input[name=consent_to_participant_list]")
    with page.expect_navigation():
        page.get_by_role("button", name="Register").click()

    assert page.url == live_server.url + "/visits/mine/"
    registration = Registration.objects.get(delegate__email="new.delegate@example.org")
    assert registration.status == Status.NOMINATED
    assert "Awaiting endorsement by Kenya" in page.locator(f"#registration-{registration.pk}").inner_text()
    screenshot(page, "meetings-05c-awaiting-endorsement")

    # Staff land on the admin's to-do panel, which names the nomination awaiting Kenya.
    sign_in(page, live_server, staff.email, PASSWORD)
    assert page.url == live_server.url + "/admin/"
    assert "1 nomination awaits its country's endorsement" in page.locator("main").inner_text()
    screenshot(page, "meetings-05c2-staff-todo-with-nomination")

    sign_in(page, live_server, liaison.email, PASSWORD)
    page.goto(live_server.url + "/visits/nominations/")
    screenshot(page, "meetings-05d-liaison-nominations")
    with page.expect_navigation():
        page.locator(f"#nomination-{registration.pk}").get_by_role("button", name="Endorse").click()
    assert "now confirmed" in page.locator("main").inner_text()
    screenshot(page, "meetings-05e-liaison-endorsed")

    sign_in(page, live_server, staff.email, PASSWORD)
    assert "nomination awaits" not in page.locator("main").inner_text()
    screenshot(page, "meetings-05f-staff-todo-after-endorsement")

    sign_in(page, live_server, "new.delegate@example.org", "a-long-demo-passphrase-2027")
    page.goto(live_server.url + "/visits/mine/")
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    card = page.locator(f"#registration-{registration.pk}")
    assert card.locator(".registration-status").inner_text() == "Confirmed"
    screenshot(page, "meetings-06-my-registrations")

    with page.expect_download() as download_info:
        card.get_by_role("link", name="Download the calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"{visit.slug}.ics"
    calendar = Calendar.from_ical(Path(download.path()).read_bytes())
    assert len(calendar.walk("VEVENT")) == 5
    with page.expect_download() as letter_info:
        card.get_by_role("link", name="Download the visa invitation letter (PDF)").click()
    assert letter_info.value.suggested_filename.endswith(".pdf")
    letter_text = "".join(p.extract_text() for p in PdfReader(letter_info.value.path()).pages).replace("\n", "")
    verify_path = f"/visits/letters/{registration.letter_reference}/"
    assert verify_path in letter_text
    page.goto(live_server.url + verify_path)
    assert "genuine and valid" in page.locator("#letter-status").inner_text()
    screenshot(page, "meetings-06b-letter-verified")
    page.goto(live_server.url + "/visits/mine/")

    card.get_by_role("link", name="Cancel my registration").click()
    screenshot(page, "meetings-07-cancel-confirmation")
    with page.expect_navigation():
        page.get_by_role("button", name="Yes, cancel my registration").click()
    assert page.locator(f"#registration-{registration.pk} .registration-status").inner_text() == "Cancelled"
    screenshot(page, "meetings-08-cancelled")
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert browser_problems == []


def test_staff_confirms_a_pending_registration_in_the_admin(live_server, page, browser_problems, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    visit = VisitFactory(requires_approval=True, title="Familiarization visit to Lyon")
    registration = RegistrationFactory(visit=visit, status=Status.PENDING, confirmed_at=None, full_name="Sita Gurung")
    staff = UserFactory(is_staff=True, is_superuser=True, roles=[PROGRAMME_STAFF])

    page.goto(f"{live_server.url}/admin/")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    page.goto(f"{live_server.url}/admin/meetings/registration/?status__exact=pending")
    screenshot(page, "meetings-09-admin-pending")
    page.check(f"input[name=_selected_action][value='{registration.pk}']")
    page.select_option("select[name=action]", "confirm_selected")
    with page.expect_navigation():
        page.get_by_role("button", name="Go").click()
    assert "1 registration confirmed." in page.locator("ul.messagelist").inner_text()
    screenshot(page, "meetings-10-admin-confirmed")
    page.goto(f"{live_server.url}/admin/meetings/registration/?visit__id__exact={visit.pk}")
    assert "Confirmed" in page.locator("#result_list").inner_text()
    screenshot(page, "meetings-10b-admin-registrations-of-the-visit")
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert registration.status_changes.get().changed_by == staff
    assert registration.vetted_by_staff
    page.goto(f"{live_server.url}/admin/meetings/visit/")
    screenshot(page, "meetings-11-admin-seats-summary")

    page.get_by_role("link", name="Day 1").click()
    page.check(f"#present-{registration.pk}")
    with page.expect_navigation():
        page.get_by_role("button", name="Save attendance").click()
    assert "1 checked in" in page.locator("ul.messagelist").inner_text()
    screenshot(page, "meetings-12-admin-check-in")
    assert registration.attendances.get().checked_in_by == staff
    assert browser_problems == []
