"""Contact details are personal data: staff and liaisons see them, nobody else learns anything."""

import pytest
from django.urls import reverse

from programmes.models import Organisation
from tests.factories import (
    ContactFactory,
    DelegateFactory,
    OrganisationFactory,
    StaffFactory,
    UserFactory,
    make_liaison,
    member_country,
)

DIRECTORY_PAGES = ["programmes:directory", "programmes:organisations"]


@pytest.fixture
def directory_data():
    """A network with members, an IO with a partner, and contacts of a country and an organisation."""
    network = OrganisationFactory(short_name="LATF", name="Lusaka Agreement Task Force", kind="regional_network")
    network.member_countries.add(member_country("KE"), member_country("TZ"))
    consortium = OrganisationFactory(short_name="ICCWC", name="Consortium", kind="international_organisation")
    consortium.partners.add(OrganisationFactory(short_name="UNODC", kind="international_organisation"))
    OrganisationFactory(short_name="IFAW", kind="ngo")
    country_contact = ContactFactory(
        member_country=member_country("TZ"), name="Asha Mrema", email="asha.mrema@example.org", phone="+255 22 000"
    )
    organisation_contact = ContactFactory(
        member_country=None, organisation=network, name="Peter Otieno", email="peter.otieno@example.org"
    )
    return country_contact, organisation_contact


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", DIRECTORY_PAGES)
def test_anonymous_users_are_sent_to_sign_in(client, url_name, directory_data):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert b"example.org" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("url_name", DIRECTORY_PAGES)
@pytest.mark.parametrize("make_user", [DelegateFactory, UserFactory], ids=["delegate", "no-role"])
def test_delegates_and_other_users_learn_nothing(client, url_name, make_user, directory_data):
    client.force_login(make_user())
    response = client.get(reverse(url_name))
    assert response.status_code == 404
    assert b"asha.mrema" not in response.content and b"peter.otieno" not in response.content


@pytest.mark.django_db
def test_home_page_shows_no_contact_details(client, directory_data):
    country_contact, organisation_contact = directory_data
    for user in (None, DelegateFactory()):
        if user:
            client.force_login(user)
        content = client.get(reverse("home")).content.decode()
        assert country_contact.email not in content and organisation_contact.email not in content
        assert country_contact.name not in content
        assert reverse("programmes:directory") not in content  # the navbar hides the directory too


def liaison_user():
    return make_liaison("NP")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("make_user", [StaffFactory, liaison_user], ids=["staff", "liaison"])
def test_staff_and_liaisons_see_countries_by_region_with_networks_and_contacts(client, make_user, directory_data):
    country_contact, _organisation_contact = directory_data
    client.force_login(make_user())
    response = client.get(reverse("programmes:directory"))
    assert response.status_code == 200
    content = response.content.decode()
    regions = {code: countries for code, _label, countries in response.context["regions"]}
    assert sum(len(countries) for countries in regions.values()) == 190
    kenya = next(country for country in regions["africa"] if country.iso2 == "KE")
    assert [network.short_name for network in kenya.networks.all()] == ["LATF"]
    assert "Asha Mrema" in content and "mailto:asha.mrema@example.org" in content and "+255 22 000" in content
    assert reverse("programmes:directory") in content


@pytest.mark.django_db
@pytest.mark.parametrize("make_user", [StaffFactory, liaison_user], ids=["staff", "liaison"])
def test_staff_and_liaisons_see_organisations_by_kind(client, make_user, directory_data):
    client.force_login(make_user())
    response = client.get(reverse("programmes:organisations"))
    assert response.status_code == 200
    kinds = {code: organisations for code, _label, organisations in response.context["kinds"]}
    assert [o.short_name for o in kinds[Organisation.Kind.REGIONAL_NETWORK]] == ["LATF"]
    assert [o.short_name for o in kinds[Organisation.Kind.NGO]] == ["IFAW"]
    content = response.content.decode()
    assert "Kenya" in content and "Tanzania" in content
    assert "UNODC" in content
    assert "mailto:peter.otieno@example.org" in content


@pytest.mark.django_db
def test_inactive_contacts_and_countries_are_not_listed(client, directory_data):
    ContactFactory(member_country=member_country("KE"), email="former.officer@example.org", is_active=False)
    gone = member_country("VA")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    client.force_login(StaffFactory())
    content = client.get(reverse("programmes:directory")).content.decode()
    assert "former.officer@example.org" not in content
    assert "Holy See" not in content and "VA · VAT" not in content


@pytest.mark.django_db
def test_an_inactive_staff_account_is_refused(client):
    user = StaffFactory()
    client.force_login(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = client.get(reverse("programmes:directory"))
    assert response.status_code in (302, 404)


def add_directory_rows(count):
    kinds = [Organisation.Kind.REGIONAL_NETWORK, Organisation.Kind.INTERNATIONAL_ORGANISATION, Organisation.Kind.NGO]
    for number in range(count):
        organisation = OrganisationFactory(kind=kinds[number % 3])
        organisation.member_countries.add(member_country("KE"), member_country("FR"))
        organisation.partners.add(OrganisationFactory())
        ContactFactory(member_country=None, organisation=organisation)
        ContactFactory(member_country=member_country(["KE", "FR", "BR", "CN"][number % 4]))


# Every signed-in request: the user with its contact and the contact's country, which answer the roles'
# liaison check (the session is read from the cache, its activity recorded at most once a minute:
# envcrime.sessions); then the page's own queries.
PER_REQUEST = 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "page_queries"),
    [
        ("programmes:directory", 3),  # countries, their networks, their contacts
        ("programmes:organisations", 4),  # organisations, member countries, partners, contacts
    ],
)
def test_directory_queries_do_not_grow_with_rows(client, django_assert_num_queries, url_name, page_queries):
    client.force_login(make_liaison("NP")[0])
    add_directory_rows(3)
    client.get(reverse(url_name))  # the first request of a session also records it (allauth usersessions)
    with django_assert_num_queries(PER_REQUEST + page_queries):
        assert client.get(reverse(url_name)).status_code == 200
    add_directory_rows(30)
    with django_assert_num_queries(PER_REQUEST + page_queries):
        response = client.get(reverse(url_name))
    assert response.status_code == 200


@pytest.fixture(autouse=True)
def _account_row_loaded_per_request(settings):
    """The pinned counts include loading the signed-in account (what its first request pays; envcrime.auth
    caches the row after: tests/test_account_cache.py)."""
    settings.AUTH_USER_CACHE_SECONDS = 0
