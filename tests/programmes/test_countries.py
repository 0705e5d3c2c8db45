"""Country names in the reader's language (pycountry's ISO 3166 catalogs), sorted for that reader."""

import pytest
from django.urls import reverse
from django.utils import translation

from meetings.forms import RegistrationForm
from programmes.countries import country_name, sort_key, sorted_by_name
from programmes.languages import user_language_set
from programmes.models import MemberCountry
from tests.factories import StaffFactory, VisitFactory, member_country


@pytest.mark.parametrize(
    ("iso2", "language", "expected"),
    [
        ("EG", "fr", "Égypte"),
        ("EG", "es", "Egipto"),
        ("EG", "ar", "مصر"),
        ("KE", "es", "Kenia"),
        ("US", "fr", "États-Unis"),
        ("GB", "ar", "المملكة المتّحدة"),
    ],
)
def test_names_come_from_the_iso_catalogs(iso2, language, expected):
    assert country_name(iso2, language) == expected


def test_english_is_the_portals_own_name_and_unknown_codes_fall_back():
    assert country_name("US", "en", "United States of America") == "United States of America"
    assert country_name("XK", "fr", "Kosovo") == "Kosovo"  # no ISO 3166 entry
    assert country_name("EG", "xx") == "Egypt"  # no such catalog: the English name


def test_the_active_language_is_used_and_not_cached_across_languages():
    with translation.override("fr"):
        assert country_name("DE") == "Allemagne"
    with translation.override("es"):
        assert country_name("DE") == "Alemania"


def test_the_sort_key_ignores_accents_and_case():
    names = ["Érythrée", "Eswatini", "égypte", "Estonie", "Zambie", "Afrique du Sud"]
    assert sorted(names, key=sort_key) == ["Afrique du Sud", "égypte", "Érythrée", "Estonie", "Eswatini", "Zambie"]


@pytest.mark.django_db
def test_member_countries_are_named_and_sorted_in_the_readers_language():
    countries = MemberCountry.objects.filter(iso2__in=["EG", "ER", "EE", "ES", "DE"])
    with translation.override("fr"):
        assert [c.local_name for c in sorted_by_name(countries)] == [
            "Allemagne",
            "Égypte",
            "Érythrée",
            "Espagne",
            "Estonie",
        ]
        assert str(member_country("EG")) == "Égypte"
    assert str(member_country("EG")) == "Egypt"


@pytest.mark.django_db
def test_the_registration_forms_countries_are_in_the_readers_language_and_order():
    visit = VisitFactory()
    with translation.override("es"):
        form = RegistrationForm(visit=visit)
        labels = [str(label) for _value, label in form.fields["member_country"].choices][1:]
    assert "Kenia" in labels and "Alemania" in labels
    assert labels == sorted(labels, key=sort_key)


@pytest.mark.django_db
def test_the_directory_lists_countries_in_the_readers_language(client):
    staff = StaffFactory()
    user_language_set(user=staff, language="fr")
    client.force_login(staff)

    response = client.get(reverse("programmes:directory"))

    content = response.content.decode()
    assert "Égypte" in content and "Allemagne" in content
    africa = next(countries for code, _label, countries in response.context["regions"] if code == "africa")
    names = [country.local_name for country in africa]
    assert names == sorted(names, key=sort_key)
