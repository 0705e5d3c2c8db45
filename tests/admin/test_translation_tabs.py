"""Translated content in the admin: one field per language, tabs from the portal's own script."""

import pytest
from django.urls import reverse

from tests.conftest import screenshot
from tests.factories import VisitFactory
from tests.recommendations.factories import published_package

pytestmark = pytest.mark.django_db


def test_the_visit_form_has_a_field_per_language_and_the_tabs_script(staff_client):
    visit = VisitFactory()
    html = staff_client.get(reverse("admin:meetings_visit_change", args=[visit.pk])).content.decode()
    for language in ("en", "fr", "es", "ar"):
        assert f'name="title_{language}"' in html and f'name="agenda_items-0-title_{language}"' in html
    assert "admin-workplace/translation-tabs.js" in html
    assert "jquery-ui" not in html and "ajax.googleapis" not in html  # no CDN: the CSP forbids it
    assert 'name="title"' not in html


def test_a_published_package_lists_its_languages_and_stays_frozen(staff_client):
    package = published_package(title="Frozen title")
    html = staff_client.get(
        reverse("admin:recommendations_recommendationpackage_change", args=[package.pk])
    ).content.decode()
    assert package.document_sha256 in html
    assert 'name="title_fr"' not in html and 'name="title_en"' not in html


@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migration_data")
def test_the_language_tabs_show_one_language_at_a_time(live_server, page, browser_problems, settings):
    from tests.admin.test_admin_accessibility import sign_in_staff
    from tests.factories import AgendaItemFactory

    sign_in_staff(page, live_server, settings)
    visit = VisitFactory()
    AgendaItemFactory(visit=visit)
    page.goto(f"{live_server.url}{reverse('admin:meetings_visit_change', args=[visit.pk])}")
    tabs = page.get_by_role("tab")
    assert tabs.count() == 4
    assert page.locator("#id_title_en").is_visible() and not page.locator("#id_title_fr").is_visible()
    assert not page.locator("th.column-title_ar").is_visible()

    page.locator("#mt-tab-ar").click()
    assert page.locator("#mt-tab-ar").get_attribute("aria-selected") == "true"
    assert page.locator("#id_title_ar").is_visible() and not page.locator("#id_title_en").is_visible()
    assert page.locator("th.column-title_ar").is_visible() and page.locator("#id_agenda_items-0-title_ar").is_visible()
    page.keyboard.press("Home")  # keyboard: arrows, Home and End move between the tabs
    assert page.locator("#id_title_en").is_visible()
    screenshot(page, "admin-visit-language-tabs")
    assert browser_problems == []
