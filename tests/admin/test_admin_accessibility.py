"""The admin pages staff work in, checked with axe-core in headless Chromium: no serious or
critical violation. Also the screenshot of the admin index with its to-do panel.

axe-core is vendored for the tests only (tests/vendor/axe-core), never served by the portal.
"""

from pathlib import Path

import pytest

from programmes.roles import PROGRAMME_STAFF
from tests.conftest import screenshot
from tests.factories import PASSWORD, AgendaItemFactory, RegistrationFactory, UserFactory, VisitFactory
from tests.recommendations.factories import DraftPackageFactory, RecommendationFactory, published_package

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"

# serialized_rollback: the flush after each test would otherwise drop the member countries loaded by a migration.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_data"),
]


def sign_in_staff(page, live_server, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    staff = UserFactory(is_staff=True, is_superuser=True, roles=[PROGRAMME_STAFF])
    page.goto(f"{live_server.url}/admin/")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def serious_violations(page) -> list[str]:
    # Not `add_script_tag`: the portal's CSP refuses inline scripts, and DevTools evaluation is not subject to it.
    page.evaluate(AXE.read_text())
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


def test_admin_forms_have_no_serious_accessibility_violation(live_server, page, settings):
    sign_in_staff(page, live_server, settings)
    visit = VisitFactory(requires_approval=True)
    AgendaItemFactory(visit=visit)
    registration = RegistrationFactory(visit=visit, status="pending", confirmed_at=None)
    recommendation = RecommendationFactory(visit=visit)
    package = DraftPackageFactory(visit=visit)
    pages = [
        "/admin/meetings/visit/add/",
        f"/admin/meetings/visit/{visit.pk}/change/",
        f"/admin/meetings/registration/{registration.pk}/change/",
        "/admin/recommendations/recommendation/add/",
        f"/admin/recommendations/recommendation/{recommendation.pk}/change/",
        "/admin/recommendations/recommendationpackage/add/",
        f"/admin/recommendations/recommendationpackage/{package.pk}/change/",
    ]
    found = {}
    for path in pages:
        page.goto(f"{live_server.url}{path}")
        if violations := serious_violations(page):
            found[path] = violations
    assert not found, "\n".join(
        f"{path}: {violation}" for path, violations in found.items() for violation in violations
    )


def test_the_admin_index_starts_with_what_needs_doing(live_server, page, browser_problems, settings):
    sign_in_staff(page, live_server, settings)
    page.goto(f"{live_server.url}/admin/")
    assert page.locator(".workplace-todo").inner_text().endswith("Nothing needs doing.")
    screenshot(page, "admin-01-index-nothing-to-do")

    visit = VisitFactory(requires_approval=True, title="Familiarization visit to Lyon")
    for _ in range(3):
        RegistrationFactory(visit=visit, status="pending", confirmed_at=None)
    published_package(visit=visit)
    page.goto(f"{live_server.url}/admin/")
    panel = page.locator(".workplace-todo")
    assert "3 registrations await approval for Familiarization visit to Lyon." in panel.inner_text()
    screenshot(page, "admin-02-index-to-do")
    page.emulate_media(color_scheme="dark")
    screenshot(page, "admin-03-index-to-do-dark")

    with page.expect_navigation():
        panel.get_by_role("link", name="1 package is published but not distributed.").click()
    assert "distributed=no" in page.url
    assert browser_problems == []
