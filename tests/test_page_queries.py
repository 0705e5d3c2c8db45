"""The number of queries of each key page is pinned, and does not grow with rows.

Each page is measured rendered (the page caches' version is bumped first, so nothing is served from
the cache) and again served from the cache where it has one. The world is measured small, then after
adding the volume of bench/pages.py in a test-sized form: 1,000 registrations (of 1,000 delegates),
10,000 contacts and 10 more packages distributed to every primary contact (1,900 deliveries; the bench
distributes to all 10,000 contacts, 100,000 deliveries, which would take a test too long to build).
The follow-up page and the staff dashboard have their own pinned counts (tests/recommendations/
followup/test_queries.py, tests/recommendations/dashboard/test_dashboard_queries.py).
"""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from envcrime.caching import forget_cached_pages
from meetings.models import Registration
from programmes.models import Contact, MemberCountry
from recommendations import services
from recommendations.models import Delivery, Distribution
from tests.factories import AgendaItemFactory, RegistrationFactory, StaffFactory, VisitFactory, make_liaison
from tests.recommendations.factories import primary_contacts_for_every_country, published_package

pytestmark = pytest.mark.django_db

# (page, who, rendered, from the cache). Every signed-in request pays 1 before its view: the user, loaded
# with its preferences, its contact and the contact's country, so the navigation's liaison check needs no
# query (the session comes from the cache).
PINNED = {
    "home": ("anonymous", 5, 0),
    "visit list": ("anonymous", 1, 0),
    "visit page": ("anonymous", 2, 0),
    "sign-in": ("anonymous", 0, 0),
    "package list": ("liaison", 3, 1),
    "package page": ("liaison", 2, 1),
    "my registrations": ("delegate", 3, 1),
    "admin contacts": ("staff", 5, 1),
    "admin registrations": ("staff", 9, 1),
    "admin deliveries": ("staff", 7, 1),
}


@pytest.fixture
def world(settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = True
    visit = VisitFactory(title="Lyon")
    AgendaItemFactory(visit=visit)
    AgendaItemFactory(visit=visit, date=visit.end_date)
    liaison, _contact = make_liaison("KE")
    primary_contacts_for_every_country(exclude_iso2=("KE",))
    package = published_package(visit=visit, title="First package")
    services.distribution_start(package=package)
    delegate = RegistrationFactory(visit=visit).delegate
    staff = StaffFactory()
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    clients = {"anonymous": Client()}
    for name, user in (("liaison", liaison), ("delegate", delegate), ("staff", staff)):
        clients[name] = Client()
        clients[name].force_login(user)
        clients[name].get(reverse("home"))  # the first request of a session records it (usersessions)
    clients["staff"].get(reverse("admin:index"))  # and the staff second-factor check is cached per account
    urls = {
        "home": reverse("home"),
        "visit list": reverse("meetings:visit_list"),
        "visit page": reverse("meetings:visit_detail", args=[visit.slug]),
        "sign-in": reverse("account_login"),
        "package list": reverse("recommendations:package_list"),
        "package page": reverse("recommendations:package_detail", args=[package.pk]),
        "my registrations": reverse("meetings:my_registrations"),
        "admin contacts": reverse("admin:programmes_contact_changelist"),
        "admin registrations": reverse("admin:meetings_registration_changelist"),
        "admin deliveries": reverse("admin:recommendations_delivery_changelist"),
    }
    return {"visit": visit, "clients": clients, "urls": urls}


def add_volume(visit) -> None:
    User = get_user_model()
    countries = list(MemberCountry.objects.active().order_by("pk"))
    Contact.objects.bulk_create(
        [
            Contact(name=f"Officer {i}", email=f"officer{i}@example.org", member_country=countries[i % len(countries)])
            for i in range(10_000)
        ],
        batch_size=2000,
    )
    delegates = User.objects.bulk_create(
        [User(username=f"volume-{i}", email=f"volume-{i}@example.org", password="!") for i in range(1000)]
    )
    Registration.objects.bulk_create(
        [
            Registration(
                visit=visit,
                delegate=delegate,
                member_country=countries[i % len(countries)],
                full_name=f"Delegate {i}",
                job_title="Inspector",
                arrival_date=visit.start_date,
                departure_date=visit.end_date,
                status=Registration.Status.PENDING,
            )
            for i, delegate in enumerate(delegates)
        ]
    )
    primaries = list(Contact.objects.active_primary().values_list("pk", "member_country_id", "email"))
    now = timezone.now()
    for number in range(10):
        package = published_package(visit=visit, version=number + 2, title=f"Package {number}")
        distribution = Distribution.objects.create(package=package, started_at=now, finished_at=now)
        Delivery.objects.bulk_create(
            [
                Delivery(
                    distribution=distribution,
                    package=package,
                    contact_id=contact_id,
                    member_country_id=country_id,
                    email=email,
                    status=Delivery.Status.SENT,
                    sent_at=now,
                    acknowledged_at=now if number % 2 else None,
                )
                for contact_id, country_id, email in primaries
            ]
        )


def queries(client, url: str, *, rendered: bool) -> int:
    if rendered:
        forget_cached_pages()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def measure(world) -> dict:
    counts = {}
    for page, (who, _rendered, cached) in PINNED.items():
        client, url = world["clients"][who], world["urls"][page]
        rendered_count = queries(client, url, rendered=True)
        counts[page] = (who, rendered_count, None if cached is None else queries(client, url, rendered=False))
    return counts


def test_each_key_page_has_a_pinned_number_of_queries_that_does_not_grow_with_rows(world):
    assert measure(world) == PINNED
    add_volume(world["visit"])
    assert Delivery.objects.count() >= 11 * 190 and Contact.objects.count() >= 10_000
    assert measure(world) == PINNED


@pytest.fixture(autouse=True)
def _account_row_loaded_per_request(settings):
    """The pinned counts include loading the signed-in account (what its first request pays; envcrime.auth
    caches the row after: tests/test_account_cache.py)."""
    settings.AUTH_USER_CACHE_SECONDS = 0
