"""axe-core on the ten key pages (and a few more), in English and in Arabic: no violation of impact "serious" or
"critical".

axe-core is vendored for the tests only (tests/vendor/axe-core), never served by the portal. The script is
injected with `page.add_script_tag(path=...)`, which inserts it as an inline <script>: the portal's CSP
(`script-src 'self'`, no 'unsafe-inline') rightly refuses that, so this test's browser context alone is
opened with Playwright's `bypass_csp=True`. The CSP itself is checked by the other browser tests
(`browser_problems` collects CSP violations), which keep it on.
"""

import datetime
from pathlib import Path

import pytest

from programmes.countries import country_name
from tests.fixtures.browser import screenshot

from .pages import key_pages, session_cookie

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
SHOTS = Path("/tmp/a11y-shots")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    # The data migrations' rows (member countries, role groups) are loaded by tests/fixtures/data.py.
    pytest.mark.django_db(transaction=True),
]


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    assert result["testEngine"]["name"] == "axe-core"
    return result["violations"]


def more_pages(pages) -> list[tuple[str, str, bool]]:
    """A few pages beyond the ten, which share their layout and components (signed in as the same liaison)."""
    from meetings.models import Registration

    registration = Registration.objects.get(delegate=pages.liaison)
    return [
        ("past-visits", "/visits/past/", True),
        ("not-found", "/visits/no-such-visit/", True),
        ("cancel-confirmation", f"/visits/mine/{registration.pk}/cancel/", True),
        ("nominations", "/visits/nominations/", True),
        ("directory", "/directory/", True),
        ("follow-up-cycles", "/follow-up/", True),
    ]


def describe(violation: dict) -> str:
    nodes = "; ".join(f"{node['target']} {node.get('failureSummary', '')!r}"[:300] for node in violation["nodes"][:5])
    return f"{violation['id']} ({violation['impact']}, {len(violation['nodes'])} nodes): {violation['help']} — {nodes}"


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_ten_key_pages_have_no_serious_axe_violation(live_server, browser, language):
    pages = key_pages()
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="ar" if language == "ar" else "en-GB",
        extra_http_headers={"Accept-Language": language},
        bypass_csp=True,
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    found, report = {}, []
    try:
        for name, path, signed_in in pages.all + more_pages(pages):
            if signed_in and not any(c["name"] == "sessionid" for c in context.cookies()):
                context.add_cookies([session_cookie(pages.liaison, live_server.url)])
            response = page.goto(live_server.url + path)
            expected = 404 if name == "not-found" else 200
            assert response.status == expected and page.url == live_server.url + path, f"{path}: {page.url}"
            assert page.evaluate("document.documentElement.lang") == language
            violations = axe_violations(page)
            serious = [v for v in violations if v["impact"] in ("serious", "critical")]
            report.append(f"{language} {name}: {len(serious)} serious/critical, {len(violations)} in all")
            for violation in violations:
                report.append(f"    {describe(violation)}")
            if serious:
                found[name] = serious
            SHOTS.mkdir(exist_ok=True)
            page.screenshot(path=str(SHOTS / f"{language}-{name}.png"), full_page=True)
            screenshot(page, f"a11y-{language}-{name}")
        # The registration form as it comes back with errors (fields tied to their messages, a summary).
        page.goto(f"{live_server.url}/visits/{pages.visit.slug}/register/")
        page.fill("#id_job_title", "Investigator")
        page.fill("#id_departure_date", (pages.visit.start_date - datetime.timedelta(days=3)).isoformat())
        page.select_option("#id_member_country", label=country_name("NP", language))
        with page.expect_navigation():
            page.locator("#registration-form [type=submit]").click()
        assert page.locator("[aria-invalid=true]").count() >= 1
        violations = axe_violations(page)
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        report.append(f"{language} registration-form-errors: {len(serious)} serious/critical, {len(violations)} in all")
        report.extend(f"    {describe(violation)}" for violation in violations)
        if serious:
            found["registration-form-errors"] = serious
        page.screenshot(path=str(SHOTS / f"{language}-registration-form-errors.png"), full_page=True)
    finally:
        context.close()
    print("\n".join(report))
    assert not found, "\n".join(f"{name}: {describe(v)}" for name, violations in found.items() for v in violations)
