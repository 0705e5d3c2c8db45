"""The signed-in pages cached per user (envcrime.caching.cache_user_page): never another user's page,
and every write they show (a download, an acknowledgement, a new distribution) changes what is served."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from meetings.services import registration_cancel
from recommendations import services
from recommendations.models import Delivery
from tests.factories import ContactFactory, RegistrationFactory, UserFactory, make_liaison, member_country

from .factories import published_package

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture
def kenya_and_nepal():
    kenya_user, kenya_contact = make_liaison("KE")
    nepal_user, _ = make_liaison("NP")
    package = published_package(title="Lyon recommendations")
    services.distribution_start(package=package)
    return kenya_user, nepal_user, package, Delivery.objects.get(package=package, contact=kenya_contact)


def page(response) -> str:
    """The page without its CSRF token (masked afresh for every response)."""
    return TOKEN.sub("", response.content.decode())


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_each_liaison_gets_their_own_page(kenya_and_nepal):
    kenya_user, nepal_user, package, _delivery = kenya_and_nepal
    url = reverse("recommendations:package_list")
    kenya = signed_in(kenya_user)
    assert kenya.get(url).status_code == 200
    nepal_page = signed_in(nepal_user).get(url).content.decode()
    assert nepal_user.email in nepal_page and kenya_user.email not in nepal_page
    assert "Nepal" in nepal_page and "Kenya" not in nepal_page
    # A second member of Kenya's team gets a page with their own account on it.
    teammate = UserFactory(email="teammate@example.org")
    ContactFactory(member_country=member_country("KE"), user=teammate, email=teammate.email, is_primary=False)
    teammate_page = signed_in(teammate).get(url).content.decode()
    assert "teammate@example.org" in teammate_page and kenya_user.email not in teammate_page


def test_downloading_and_acknowledging_change_the_cached_pages(kenya_and_nepal):
    kenya_user, _nepal_user, package, delivery = kenya_and_nepal
    kenya = signed_in(kenya_user)
    list_url = reverse("recommendations:package_list")
    detail_url = reverse("recommendations:package_detail", args=[package.pk])
    first_list, first_detail = page(kenya.get(list_url)), page(kenya.get(detail_url))
    assert page(kenya.get(list_url)) == first_list, "served again (from the cache)"

    services.download_record(delivery=delivery, user=kenya_user, via="portal", client_address=None)
    assert page(kenya.get(list_url)) != first_list, "the list says Downloaded"

    response = kenya.post(reverse("recommendations:package_acknowledge", args=[package.pk]))
    assert response.status_code == 302
    acknowledged = kenya.get(detail_url).content.decode()
    assert page(kenya.get(detail_url)) != first_detail
    assert "Thank you: receipt of the package is acknowledged." in acknowledged, "the message page is not cached"
    again = kenya.get(detail_url).content.decode()
    assert "Thank you: receipt" not in again
    assert "Acknowledged" in kenya.get(list_url).content.decode()


def test_a_new_distribution_shows_on_the_cached_list(kenya_and_nepal):
    kenya_user, _nepal_user, _package, _delivery = kenya_and_nepal
    kenya = signed_in(kenya_user)
    url = reverse("recommendations:package_list")
    assert "Second package" not in kenya.get(url).content.decode()
    services.distribution_start(package=published_package(title="Second package"))
    assert "Second package" in kenya.get(url).content.decode()


def test_a_liaison_who_loses_the_role_gets_a_404_not_the_cached_page(kenya_and_nepal):
    kenya_user, _nepal_user, package, delivery = kenya_and_nepal
    kenya = signed_in(kenya_user)
    url = reverse("recommendations:package_detail", args=[package.pk])
    assert kenya.get(url).status_code == 200
    delivery.contact.is_active = False
    delivery.contact.save(update_fields=["is_active"])
    assert kenya.get(url).status_code == 404


def test_the_cached_page_carries_the_requests_own_working_token(kenya_and_nepal):
    kenya_user, _nepal_user, package, _delivery = kenya_and_nepal
    url = reverse("recommendations:package_detail", args=[package.pk])
    laptop, phone = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    laptop.force_login(kenya_user)
    phone.force_login(kenya_user)
    laptop.get(url)
    page = phone.get(url).content.decode()  # from the cache
    token = TOKEN.search(page).group(1)
    assert "__envcrime_csrf_token_placeholder__" not in page
    response = phone.post(
        reverse("recommendations:package_acknowledge", args=[package.pk]), {"csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302


def test_my_registrations_changes_when_a_registration_does():
    registration = RegistrationFactory()
    client = signed_in(registration.delegate)
    url = reverse("meetings:my_registrations")
    before = page(client.get(url))
    assert page(client.get(url)) == before
    registration_cancel(registration=registration, by=registration.delegate)
    assert page(client.get(url)) != before
    other = RegistrationFactory()
    assert registration.visit.title not in signed_in(other.delegate).get(url).content.decode() or (
        registration.visit_id == other.visit_id
    )


def test_the_follow_up_report_page_changes_with_every_save():
    from recommendations.services import followup
    from tests.recommendations.followup.factories import distributed_package, open_cycle, team_member

    user = team_member("KE")
    cycle = open_cycle(distributed_package(countries=("KE",), recommendations=1))
    client = signed_in(user)
    url = reverse("followup:report", args=[cycle.pk])
    before = page(client.get(url))
    assert page(client.get(url)) == before
    report = followup.report_start(cycle=cycle, member_country_id=member_country("KE").pk)
    item = report.items.get()
    report.refresh_from_db()
    followup.item_save(
        item=item,
        values={"response": "noted", "justification": "Budget next year.", "status": "planned", "lead_agency": "NCB"},
        version=report.version,
        by=user,
    )
    after = page(client.get(url))
    assert after != before and "Budget next year." in after
    assert signed_in(team_member("NP")).get(url).status_code == 404, "another country's liaison: 404, not the page"
