"""A liaison is a user linked to an active contact of a member country; the Liaison group alone grants nothing."""

import pytest
from django.urls import reverse

from programmes.roles import LIAISON, user_is_liaison, user_may_see_contacts
from recommendations import services
from recommendations.models import Delivery
from tests.factories import ContactFactory, OrganisationFactory, UserFactory, make_liaison, member_country
from tests.recommendations.factories import published_package

pytestmark = pytest.mark.django_db


@pytest.fixture
def kenya_package():
    _user, _contact = make_liaison("KE")
    package = published_package(title="Lyon recommendations")
    services.distribution_start(package=package)
    assert Delivery.objects.filter(package=package, member_country__iso2="KE").exists()
    return package


def assert_sees_nothing(client, user, package):
    client.force_login(user)
    assert not user_is_liaison(user) and not user_may_see_contacts(user)
    assert client.get(reverse("programmes:directory")).status_code == 404
    assert client.get(reverse("recommendations:package_list")).status_code == 404
    assert client.get(reverse("recommendations:package_detail", args=[package.pk])).status_code == 404


def test_the_liaison_group_without_a_contact_grants_nothing(client, kenya_package):
    user = UserFactory(roles=[LIAISON])
    assert_sees_nothing(client, user, kenya_package)


def test_a_user_linked_to_an_inactive_contact_is_no_liaison(client, kenya_package):
    user = UserFactory(roles=[LIAISON])
    ContactFactory(member_country=member_country("KE"), user=user, is_active=False)
    assert_sees_nothing(client, user, kenya_package)


def test_an_organisations_contact_is_no_country_liaison(client, kenya_package):
    user = UserFactory(roles=[LIAISON])
    ContactFactory(member_country=None, organisation=OrganisationFactory(), user=user)
    assert_sees_nothing(client, user, kenya_package)


def test_a_linked_active_country_contact_is_a_liaison_and_the_group_follows_the_link(client, kenya_package):
    user = UserFactory()
    contact = ContactFactory(member_country=member_country("KE"), user=user)
    assert user.groups.filter(name=LIAISON).exists(), "the group mirrors the link, as a label in the admin"
    client.force_login(user)
    assert client.get(reverse("recommendations:package_detail", args=[kenya_package.pk])).status_code == 200
    directory = client.get(reverse("programmes:directory"))
    assert directory.status_code == 200
    assert "no-store" in directory["Cache-Control"] and "private" in directory["Cache-Control"]

    contact.is_active = False
    contact.save(update_fields=["is_active"])
    assert not user.groups.filter(name=LIAISON).exists()


def test_the_role_is_one_query_per_request_however_often_asked(django_assert_num_queries):
    user, _contact = make_liaison("KE")
    user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(1):
        assert all(user_is_liaison(user) and user_may_see_contacts(user) for _ in range(5))


@pytest.mark.parametrize("case", ["liaison", "no contact", "inactive contact", "inactive country", "organisation"])
def test_the_liaison_check_from_the_signed_in_user_row_agrees_with_the_query(case, django_assert_num_queries):
    """envcrime.auth loads the account with its contact and the contact's country; the liaison check then
    reads them instead of querying, and must answer as the query does."""
    from django.contrib.auth import get_user_model

    from envcrime.auth import ModelBackend
    from programmes.roles import liaison_contact_of

    user = UserFactory()
    country = member_country("KE")
    if case != "no contact":
        ContactFactory(
            member_country=None if case == "organisation" else country,
            organisation=OrganisationFactory() if case == "organisation" else None,
            user=user,
            is_active=case != "inactive contact",
        )
    if case == "inactive country":
        type(country).objects.filter(pk=country.pk).update(is_active=False)
    expected = liaison_contact_of(get_user_model().objects.get(pk=user.pk))  # the query
    signed_in = ModelBackend().get_user(user.pk)
    with django_assert_num_queries(0):
        assert liaison_contact_of(signed_in) == expected
    assert (expected is not None) == (case == "liaison")
