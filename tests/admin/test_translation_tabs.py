"""Translated content in the admin: one field per language, tabs from the portal's own script."""

import pytest
from django.urls import reverse

from tests.factories import StaffFactory, VisitFactory
from tests.recommendations.factories import published_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    client.force_login(StaffFactory())
    return client


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
