"""The directory admin: the filters and columns staff rely on, without N+1 queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programmes.models import Contact
from tests.factories import ContactFactory, OrganisationFactory, StaffFactory, member_country


@pytest.fixture
def staff_client(client, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    client.force_login(StaffFactory())
    client.get(reverse("admin:index"))  # the first request of a session also records it
    return client


def changelist_rows(response):
    return list(response.context["cl"].result_list)


@pytest.mark.django_db
def test_member_countries_filter_by_primary_contact_and_show_it(staff_client):
    ContactFactory(member_country=member_country("KE"), is_primary=True, name="Grace Wanjiru")
    ContactFactory(member_country=member_country("NP"), is_primary=True, is_active=False, name="Retired")
    url = reverse("admin:programmes_membercountry_changelist")

    with_contact = changelist_rows(staff_client.get(url, {"has_primary_contact": "yes"}))
    assert [country.iso2 for country in with_contact] == ["KE"]
    assert with_contact[0].primary_contact_name == "Grace Wanjiru"

    response = staff_client.get(url, {"has_primary_contact": "no", "region": "asia_south_pacific"})
    without = [country.iso2 for country in changelist_rows(response)]
    assert "NP" in without and "KE" not in without
    assert {country.region for country in changelist_rows(response)} == {"asia_south_pacific"}

    assert "Grace Wanjiru" in staff_client.get(url, {"q": "KEN"}).content.decode()


@pytest.mark.django_db
def test_member_countries_without_primary_contact_are_counted_right(staff_client):
    ContactFactory(member_country=member_country("KE"), is_primary=True)
    response = staff_client.get(reverse("admin:programmes_membercountry_changelist"), {"has_primary_contact": "no"})
    assert response.context["cl"].result_count == 189


@pytest.mark.django_db
def test_a_tampered_filter_value_does_not_break_the_list(staff_client):
    response = staff_client.get(reverse("admin:programmes_membercountry_changelist"), {"has_primary_contact": "maybe"})
    assert response.status_code == 200
    assert response.context["cl"].result_count == 190


@pytest.mark.django_db
def test_contacts_filter_by_region_and_organisation_kind_and_search(staff_client):
    network = OrganisationFactory(short_name="SAWEN", kind="regional_network")
    ContactFactory(member_country=member_country("KE"), name="Kenyan officer")
    ContactFactory(member_country=member_country("NP"), name="Nepali officer")
    ContactFactory(member_country=None, organisation=network, name="Network officer")
    url = reverse("admin:programmes_contact_changelist")

    def names(**params):
        return sorted(contact.name for contact in changelist_rows(staff_client.get(url, params)))

    assert names(member_country__region__exact="africa") == ["Kenyan officer"]
    assert names(organisation__kind__exact="regional_network") == ["Network officer"]
    assert names(q="SAWEN") == ["Network officer"]
    assert names(q="Nepal") == ["Nepali officer"]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("model_name", ["membercountry", "organisation", "contact", "programme"])
def test_changelists_do_not_query_per_row(staff_client, model_name):
    url = reverse(f"admin:programmes_{model_name}_changelist")
    ContactFactory(member_country=member_country("KE"), is_primary=True)
    OrganisationFactory().member_countries.add(member_country("KE"))
    few = count_queries(staff_client, url)
    for iso2 in ["NP", "TH", "CN", "GB", "US", "FR", "BR", "IN"]:
        ContactFactory(member_country=member_country(iso2), is_primary=True, user=StaffFactory())
        organisation = OrganisationFactory()
        organisation.member_countries.add(member_country(iso2))
        organisation.partners.add(OrganisationFactory())
        ContactFactory(member_country=None, organisation=organisation)
    assert count_queries(staff_client, url) == few


@pytest.mark.django_db
def test_the_contact_form_explains_a_second_primary_contact(staff_client):
    ContactFactory(member_country=member_country("KE"), is_primary=True)
    response = staff_client.post(
        reverse("admin:programmes_contact_add"),
        {
            "name": "Second",
            "email": "second@example.org",
            "preferred_language": "en",
            "member_country": member_country("KE").pk,
            "is_primary": "on",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "This member country already has an active primary contact." in response.content.decode()
    assert Contact.objects.count() == 1
