"""The registration and the follow-up with the keyboard alone: Tab, Shift+Tab, Space, Enter and typing, never a
click. Every stop of the Tab key must show where the focus is (an outline or a ring of at least 2px) and be on
screen (WCAG 2.1.1 Keyboard, 2.4.7 Focus Visible, 2.4.11 Focus Not Obscured)."""

import pytest

from meetings.models import Registration
from recommendations.models import CountryReport, ImplementationItem
from tests.factories import DelegateFactory, VisitFactory
from tests.fixtures.browser import screenshot
from tests.recommendations.followup.factories import distributed_package, open_cycle, team_member

from .pages import session_cookie

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For the element that has the focus: how its focus shows, and whether it is inside the viewport.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const outline = style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0;
  return {
    tag: el.tagName.toLowerCase(), name: el.name || el.id || el.textContent.trim().slice(0, 40),
    outline: outline, shadow: style.boxShadow,
    onScreen: rect.bottom > 0 && rect.top < innerHeight && rect.right > 0 && rect.left < innerWidth,
  };
}"""


def assert_focus_visible(page) -> dict:
    # Bootstrap scrolls smoothly (unless the user prefers reduced motion): give the scroll a moment.
    page.wait_for_function(f"() => ({FOCUS_STATE})().onScreen", timeout=2_000, polling=50)
    state = page.evaluate(FOCUS_STATE)
    assert state["tag"] != "body", f"the focus was lost ({page.url})"
    assert state["outline"] >= 2 or state["shadow"] not in ("", "none"), f"focus not visible: {state}"
    assert state["onScreen"], f"focused element off screen: {state}"
    return state


def tab_to(page, selector: str, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until `selector` has the focus, checking that every stop shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        assert_focus_visible(page)
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never received the focus")


def test_a_delegate_registers_with_the_keyboard_alone(live_server, page, browser_problems):
    visit = VisitFactory(title="Familiarization visit to Lyon", slug="lyon")
    delegate = DelegateFactory(first_name="Sita", last_name="Gurung")
    page.context.add_cookies([session_cookie(delegate, live_server.url)])
    page.goto(f"{live_server.url}/visits/lyon/")

    tab_to(page, "a.skip-link")
    page.keyboard.press("Enter")  # past the navigation
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null"), "the next stop is inside the main content"
    tab_to(page, 'main a[href="/visits/lyon/register/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == f"{live_server.url}/visits/lyon/register/"

    tab_to(page, "#id_job_title")
    page.keyboard.type("Wildlife crime investigator")
    tab_to(page, "#id_full_name", backwards=True)  # and back: the name is the one of the account
    assert page.input_value("#id_full_name") == "Sita Gurung"
    tab_to(page, "#id_member_country")
    page.keyboard.type("Nepal")  # a closed <select> selects by typing
    assert page.evaluate("document.activeElement.selectedOptions[0].text") == "Nepal"
    tab_to(page, "#id_consent_to_participant_list")
    page.keyboard.press("Space")
    assert page.is_checked("#id_consent_to_participant_list")
    screenshot(page, "keyboard-register-form")
    tab_to(page, "#registration-form [type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.url == f"{live_server.url}/visits/mine/"
    registration = Registration.objects.get(visit=visit, delegate=delegate)
    assert registration.job_title == "Wildlife crime investigator"
    assert registration.member_country.iso2 == "NP" and registration.consent_to_participant_list
    assert page.locator(f"#registration-{registration.pk}").is_visible()
    screenshot(page, "keyboard-register-done")
    assert browser_problems == []


def test_a_liaison_reports_on_a_recommendation_and_submits_with_the_keyboard_alone(
    live_server, page, browser_problems, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    package = distributed_package(countries=("KE",), recommendations=1, other_audience=0)
    cycle = open_cycle(package)
    liaison = team_member("KE", primary=True, first_name="Amina", last_name="Odhiambo")
    page.context.add_cookies([session_cookie(liaison, live_server.url)])
    page.goto(f"{live_server.url}/follow-up/{cycle.pk}/")

    item = "#rec-1"
    tab_to(page, f"{item} select[name$=response]")
    page.keyboard.type("Supported")
    tab_to(page, f"{item} select[name$=status]")
    page.keyboard.type("In progress")
    tab_to(page, f"{item} input[name$=lead_agency]")
    page.keyboard.type("Kenya Wildlife Service")
    tab_to(page, f"{item} textarea[name$=actions_taken]")
    page.keyboard.type("A focal point was named at the NCB.")
    tab_to(page, f"{item} [type=submit]")
    screenshot(page, "keyboard-followup-item")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("Recommendation 1 saved.").wait_for()

    saved = ImplementationItem.objects.get(report__cycle=cycle)
    assert (saved.response, saved.status, saved.lead_agency) == ("supported", "in_progress", "Kenya Wildlife Service")

    # Back at the saved recommendation (#rec-1): the link to submit is above it.
    tab_to(page, f'a[href="/follow-up/{cycle.pk}/submit/"]', backwards=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "main input[type=checkbox]")
    page.keyboard.press("Space")
    tab_to(page, "main form [type=submit]")
    screenshot(page, "keyboard-followup-submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.get_by_text("Report submitted (submission 1)").wait_for()
    assert CountryReport.objects.get(cycle=cycle).status == "submitted"
    assert browser_problems == []
