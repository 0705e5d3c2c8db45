"""axe-core on the ten key pages, in English and in Arabic: no violation of impact "serious" or "critical".

axe-core is vendored for the tests only (tests/vendor/axe-core), never served by the portal. The script is
injected with `page.add_script_tag(path=...)`, which inserts it as an inline <script>: the portal's CSP
(`script-src 'self'`, no 'unsafe-inline') rightly refuses that, so this test's browser context alone is
opened with Playwright's `bypass_csp=True`. The CSP itself is checked by the other browser tests
(`browser_problems` collects CSP violations), which keep it on.
"""

from pathlib import Path

import pytest

from tests.fixtures.browser import screenshot

from .pages import key_pages, session_cookie

AXE = Path(__file__).resolve().parent.parent / "vendor" / "axe-core" / "axe.min.js"
SHOTS = Path("/tmp/a11y-shots")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_data"),
]


def axe_violations(page) -> list[dict]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']}})"
    )
    assert result["testEngine"]["name"] == "axe-core"
    return result["violations"]


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
        for name, path, signed_in in pages.all:
            if signed_in and not any(c["name"] == "sessionid" for c in context.cookies()):
                context.add_cookies([session_cookie(pages.liaison, live_server.url)])
            response = page.goto(live_server.url + path)
            assert response.status == 200 and page.url == live_server.url + path, f"{path}: {page.url}"
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
    finally:
        context.close()
    print("\n".join(report))
    assert not found, "\n".join(f"{name}: {describe(v)}" for name, violations in found.items() for v in violations)
