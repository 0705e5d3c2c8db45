"""Exact query counts where the code promises "one query": a new per-row query fails these."""

import pytest
from django.urls import reverse
from django.utils import timezone

from envcrime import workplace
from meetings.models import Registration
from recommendations import services
from tests.factories import RegistrationFactory, StaffFactory, VisitFactory, make_liaison
from tests.recommendations.factories import published_package

pytestmark = pytest.mark.django_db


def _some_work():
    visit = VisitFactory()
    RegistrationFactory(visit=visit, status=Registration.Status.PENDING, confirmed_at=None)
    RegistrationFactory(visit=visit, status=Registration.Status.NOMINATED, confirmed_at=None, vetted_by_staff=False)
    published_package(visit=visit)


@pytest.mark.parametrize("item", workplace.ITEMS, ids=[item.__name__ for item in workplace.ITEMS])
def test_each_to_do_item_is_one_query(item, django_assert_num_queries):
    _some_work()
    staff = StaffFactory()
    staff.has_perm("meetings.view_visit")  # the permission cache is the request's, not the item's
    with django_assert_num_queries(1):
        item(staff, timezone.now())


def _changelist_queries(staff_client, name, django_assert_num_queries, queries):
    staff_client.get(reverse(name))  # the first request of a session also writes the session
    with django_assert_num_queries(queries):
        assert staff_client.get(reverse(name)).status_code == 200


def test_the_visit_list_seats_summary_is_one_query_whatever_the_rows(staff_client, django_assert_num_queries):
    for _ in range(2):
        RegistrationFactory(visit=VisitFactory())
    _changelist_queries(staff_client, "admin:meetings_visit_changelist", django_assert_num_queries, VISIT_LIST)
    for _ in range(3):
        RegistrationFactory(visit=VisitFactory())
    _changelist_queries(staff_client, "admin:meetings_visit_changelist", django_assert_num_queries, VISIT_LIST)


def test_the_country_list_is_one_query_whatever_the_contacts(staff_client, django_assert_num_queries):
    _changelist_queries(staff_client, "admin:programmes_membercountry_changelist", django_assert_num_queries, COUNTRIES)
    make_liaison("KE")
    make_liaison("NP")
    _changelist_queries(staff_client, "admin:programmes_membercountry_changelist", django_assert_num_queries, COUNTRIES)


def test_the_distribution_progress_is_one_query(staff_client, django_assert_num_queries):
    distribution = services.distribution_start(package=published_package()).distribution
    url = reverse("admin:recommendations_distribution_progress", args=[distribution.pk])
    staff_client.get(url)
    with django_assert_num_queries(PROGRESS):
        assert staff_client.get(url).status_code == 200


# Every signed-in admin page: the user (with its contact, which answers the navigation's liaison check)
# and the user's permissions; the session is read from the cache and its activity recorded at most once a
# minute (envcrime.sessions).
PER_REQUEST = 2
# The page's own queries (the to-do panel, the filters, the count, the rows), whatever the rows.
VISIT_LIST = PER_REQUEST + 6
COUNTRIES = PER_REQUEST + 4
# The distribution's progress (a view without the navigation): 4 in all, as before the liaison check
# moved into the user's query; the distribution with its progress counts is one of them.
PROGRESS = PER_REQUEST + 2


@pytest.fixture(autouse=True)
def _account_row_loaded_per_request(settings):
    """The pinned counts include loading the signed-in account (what its first request pays; envcrime.auth
    caches the row after: tests/test_account_cache.py)."""
    settings.AUTH_USER_CACHE_SECONDS = 0
