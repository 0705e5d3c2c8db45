"""The staff pages cached per account (envcrime.caching.cache_staff_page): the big admin lists and the
dashboard are served from the cache until a table they read is written, however it is written, and
never to another account or after a change of permissions."""

import re

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from meetings.models import Registration
from programmes.models import Contact
from programmes.roles import PROGRAMME_STAFF
from recommendations import services
from recommendations.models import Delivery
from recommendations.services import delivery as delivery_service
from tests.factories import ContactFactory, RegistrationFactory, StaffFactory, make_liaison

from ..recommendations.factories import published_package

pytestmark = pytest.mark.django_db

CONTACTS = reverse("admin:programmes_contact_changelist")
DELIVERIES = reverse("admin:recommendations_delivery_changelist")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def served_from_cache(client, url) -> tuple[str, bool]:
    """The page, and whether it was served without rendering: no query of the list's own table (the
    account row, loaded again after a write to its tables, joins the contacts table but is FROM auth_user)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    rendered = any(re.search(r'FROM "(programmes_contact|recommendations_delivery)"', q["sql"]) for q in queries)
    return response.content.decode(), not rendered


def test_the_second_visit_is_served_from_the_cache():
    ContactFactory(name="Amina Njoroge")
    client = signed_in(StaffFactory())
    first, cached = served_from_cache(client, CONTACTS)
    assert not cached and "Amina Njoroge" in first
    second, cached = served_from_cache(client, CONTACTS)
    assert cached and "Amina Njoroge" in second


@pytest.mark.parametrize("how", ["save", "bulk update", "sql"])
def test_any_write_to_a_table_the_list_shows_is_seen_at_once(how):
    contact = ContactFactory(name="Amina Njoroge")
    client = signed_in(StaffFactory())
    served_from_cache(client, CONTACTS)
    if how == "save":
        contact.name = "Amina Wanjiru"
        contact.save(update_fields=["name"])
    elif how == "bulk update":
        Contact.objects.filter(pk=contact.pk).update(name="Amina Wanjiru")
    else:
        with connection.cursor() as cursor:
            cursor.execute("UPDATE programmes_contact SET name = %s WHERE id = %s", ["Amina Wanjiru", contact.pk])
    page, cached = served_from_cache(client, CONTACTS)
    assert not cached and "Amina Wanjiru" in page


def test_a_related_tables_write_is_seen_too():
    """The deliveries list shows the country's name: a write to the countries table changes it."""
    make_liaison("KE")
    services.distribution_start(package=published_package())
    client = signed_in(StaffFactory())
    assert "Kenya" in served_from_cache(client, DELIVERIES)[0]
    from programmes.models import MemberCountry

    MemberCountry.objects.filter(iso2="KE").update(name="Republic of Kenya")
    page, cached = served_from_cache(client, DELIVERIES)
    assert not cached and "Republic of Kenya" in page


def test_the_distributions_own_sql_shows_on_the_cached_deliveries_list():
    """The claims and `sent` marks are SQL by hand, run in a batch."""
    make_liaison("KE")
    services.distribution_start(package=published_package())
    delivery = Delivery.objects.get()
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.QUEUED)
    client = signed_in(StaffFactory())
    sent = f"{DELIVERIES}?status__exact=sent"
    client.get(sent)
    page, cached = served_from_cache(client, sent)
    assert cached and delivery.email not in page
    claimed = delivery_service.deliveries_claim(delivery_ids=[delivery.pk], claimed_at=timezone.now())
    assert claimed
    delivery_service._mark_sent(delivery.pk, timezone.now())
    page, cached = served_from_cache(client, sent)
    assert not cached and delivery.email in page


def test_each_account_gets_its_own_page():
    ContactFactory()
    first, second = StaffFactory(first_name="Ngozi"), StaffFactory(first_name="Somchai")
    assert "Ngozi" in signed_in(first).get(CONTACTS).content.decode()
    page = signed_in(second).get(CONTACTS).content.decode()
    assert "Somchai" in page and "Ngozi" not in page


def test_losing_the_permission_ends_the_cached_page_at_once():
    ContactFactory()
    staff = StaffFactory()
    client = signed_in(staff)
    assert client.get(CONTACTS).status_code == 200
    group = Group.objects.get(name=PROGRAMME_STAFF)
    group.permissions.remove(*Permission.objects.filter(codename__in=["view_contact", "change_contact"]))
    assert client.get(CONTACTS).status_code == 403


def test_a_pending_message_is_shown_once_and_never_stored_with_the_page():
    """An action that writes nothing the list reads: the page after it is a cache hit but for its message."""
    registration = RegistrationFactory(status=Registration.Status.CONFIRMED)
    registrations = reverse("admin:meetings_registration_changelist")
    client = signed_in(StaffFactory())
    client.get(registrations)
    response = client.post(
        registrations, {"action": "confirm_selected", "_selected_action": [registration.pk]}, follow=True
    )
    (message,) = [str(message) for message in response.context["messages"]]  # already confirmed: refused
    assert escape(message) in response.content.decode()
    assert escape(message) not in client.get(registrations).content.decode()


def test_an_action_posted_from_a_cached_page_passes_the_csrf_check():
    registration = RegistrationFactory(status=Registration.Status.PENDING, confirmed_at=None)
    registrations = reverse("admin:meetings_registration_changelist")
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory())
    client.get(registrations)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(registrations).content.decode()
    assert not any("meetings_registration" in query["sql"] for query in queries), "served from the cache"
    (token,) = set(TOKEN.findall(page))
    response = client.post(
        registrations,
        {"csrfmiddlewaretoken": token, "action": "waitlist_selected", "_selected_action": [registration.pk]},
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.status == Registration.Status.WAITLISTED


def test_the_dashboard_is_cached_and_changes_with_the_reports():
    from tests.recommendations.followup.factories import distributed_package, open_cycle

    staff = StaffFactory()
    client = signed_in(staff)
    package = distributed_package()
    cycle = open_cycle(package=package)
    url = f"{reverse('dashboard:index')}?cycle={cycle.pk}"
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).content.decode().count("<tr") == first.count("<tr")
    assert len(queries) <= 3, "served from the cache"
    services.followup.report_start(cycle=cycle, member_country_id=package.deliveries.first().member_country_id)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) > 3, "rendered again"


def test_an_account_write_between_loading_the_row_and_the_snapshot_is_not_stored_as_current(monkeypatch):
    """The account row is loaded before the view (middleware); a write landing before the page cache's
    snapshot must not leave the page rendered from the old row stored under the new tokens."""
    from django.contrib.auth import get_user_model

    from envcrime import table_versions

    ContactFactory()
    staff = StaffFactory(first_name="Wanjiku")
    client = signed_in(staff)
    snapshot = table_versions.snapshot

    def snapshot_after_a_concurrent_write():
        get_user_model().objects.filter(pk=staff.pk).update(first_name="Siriporn")
        return snapshot()

    monkeypatch.setattr(table_versions, "snapshot", snapshot_after_a_concurrent_write)
    assert "Wanjiku" in client.get(CONTACTS).content.decode(), "rendered from the row loaded before the write"
    monkeypatch.undo()
    page = client.get(CONTACTS).content.decode()
    assert "Siriporn" in page and "Wanjiku" not in page


def package_country(cycle) -> int:
    return cycle.package.deliveries.order_by("member_country__name").first().member_country_id


def test_a_permission_removed_between_the_check_and_the_snapshot_is_not_shown_as_held(monkeypatch):
    from envcrime import table_versions
    from tests.recommendations.followup.factories import distributed_package, open_cycle

    staff = StaffFactory()
    client = signed_in(staff)
    cycle = open_cycle(package=distributed_package(), due_in_days=1)
    url = f"{reverse('dashboard:index')}?cycle={cycle.pk}"
    remind = reverse("dashboard:remind", args=[package_country(cycle)])
    assert remind in client.get(url).content.decode(), "staff may chase the countries that owe a report"
    table_versions.change_all()
    snapshot = table_versions.snapshot

    def snapshot_after_a_concurrent_write():
        Group.objects.get(name=PROGRAMME_STAFF).permissions.remove(Permission.objects.get(codename="add_reminder"))
        return snapshot()

    monkeypatch.setattr(table_versions, "snapshot", snapshot_after_a_concurrent_write)
    assert remind not in client.get(url).content.decode()
    monkeypatch.undo()
    assert remind not in client.get(url).content.decode()
