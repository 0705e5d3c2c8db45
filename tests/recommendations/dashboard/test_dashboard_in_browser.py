"""The dashboard in Chromium: the map colours Kenya by its status, the funnel shows the numbers, the
charts draw, and nothing breaks the CSP (screenshots under test-artifacts/screenshots/)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from programmes.demo import STAFF_EMAIL
from tests.conftest import screenshot
from tests.factories import PASSWORD, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user, next_url):
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(f"{live_server.url}{next_url}")


def test_staff_see_kenya_coloured_on_the_map_and_the_funnel(live_server, page, browser_problems, small_cycle, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    staff = StaffFactory(is_superuser=False)
    sign_in(page, live_server, staff, "/dashboard/")

    kenya = page.locator('#world-map path[data-iso2="KE"]')
    kenya.wait_for()
    assert kenya.get_attribute("data-status") == "implementing"
    assert kenya.get_attribute("fill") == "#1b7a4b"
    assert page.locator('#world-map path[data-iso2="NP"]').get_attribute("fill") == "#c8423b"
    # Nearly every member has a shape at this scale; the rest are in the table.
    assert int(page.locator("#world-map").get_attribute("data-countries-shown")) > 160
    assert page.locator('.country-table tr[data-iso2="KE"]').inner_text().split("\t")[-1].strip() == "Implementing"

    total = page.locator("#funnel-table tbody tr").last
    assert total.locator("th").inner_text() == "All regions"
    counts = total.locator(".funnel-count").all_inner_texts()
    assert counts == ["3", "2", "2", "1", "1"]
    for canvas in ("funnel-chart", "status-chart", "verdict-chart"):
        assert page.locator(f"#{canvas}").evaluate("c => Chart.getChart(c) !== undefined")
    screenshot(page, "dashboard-small-cycle")
    assert browser_problems == []


def test_the_seeded_demo_cycle_fills_the_dashboard(live_server, page, browser_problems, settings, tmp_path):
    """What `make run` shows: the demo's six-month cycle, Kenya's draft on the map, every region."""
    settings.MEDIA_ROOT = tmp_path
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    call_command("seed_demo", stdout=io.StringIO())
    staff = get_user_model().objects.get(email=STAFF_EMAIL)
    staff.set_password(PASSWORD)
    staff.save(update_fields=["password"])
    sign_in(page, live_server, staff, "/dashboard/")

    page.get_by_role("heading", name="Six-month progress report").wait_for()
    kenya = page.locator('#world-map path[data-iso2="KE"]')
    kenya.wait_for()
    assert kenya.get_attribute("data-status") == "reporting"  # the demo's Kenya report is a draft
    coloured = page.locator("#world-map path[data-status]").evaluate_all(
        "shapes => shapes.map(shape => shape.dataset.status)"
    )
    assert len(set(coloured)) >= 4 and len(coloured) > 160
    total = page.locator("#funnel-table tbody tr").last.locator(".funnel-count").all_inner_texts()
    assert int(total[0]) > 150 and 0 < int(total[3]) < int(total[0])
    page.locator("details summary").click()
    screenshot(page, "dashboard-demo-data")
    assert browser_problems == []
