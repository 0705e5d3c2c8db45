"""The dashboard and its exports run a number of queries that does not grow with countries,
recommendations or submissions: pinned at the programme's full size (196 countries × 20
recommendations × 3 cycles, bulk-created) and equal on a cycle a hundred times smaller."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from envcrime.caching import forget_cached_pages
from recommendations import implementation_report
from recommendations.selectors import dashboard as selectors

from .bulk import build_followup_data

pytestmark = pytest.mark.django_db

# The user (1: the session is read from the cache and its activity recorded at most once a minute,
# envcrime.sessions), the permissions (2), the filter form's cycle and the picker's cycles (2), the
# country rows (4: countries, deliveries, reports, reminders), the recommendations and their item counts
# (2), the networks filter (1); the navbar's liaison check reads the contact loaded with the user. The
# permissions are read twice: the page cache has them read again inside the rendering it records
# (envcrime.caching._render), so a change between the check and the rendering is not stored as current.
DASHBOARD_QUERIES = 14
# From the page cache (envcrime.caching.cache_staff_page): the user and the permissions.
CACHED_DASHBOARD_QUERIES = 3
# The country rows (4), the recommendations (1) and the items (1).
MATRIX_QUERIES = 6


def dashboard_queries(client, cycle, *, rendered=True) -> int:
    # The first request of a session records it (allauth's user sessions): not the page's own work.
    client.get(reverse("dashboard:index"), {"cycle": cycle.pk})
    if rendered:
        forget_cached_pages()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard:index"), {"cycle": cycle.pk})
    assert response.status_code == 200
    return len(queries)


def test_dashboard_queries_do_not_grow_with_the_data(staff_client, small_cycle):
    small = dashboard_queries(staff_client, small_cycle.cycle)
    data = build_followup_data(countries=196, recommendations=20, cycles=3)
    full = dashboard_queries(staff_client, data.cycles[-1])
    assert full == small == DASHBOARD_QUERIES
    assert dashboard_queries(staff_client, data.cycles[-1], rendered=False) == CACHED_DASHBOARD_QUERIES
    response = staff_client.get(reverse("dashboard:index"), {"cycle": data.cycles[-1].pk, "region": "africa"})
    assert response.status_code == 200
    assert len(response.context["rows"]) > 40
    assert len(response.context["recommendations"]) == 20


def test_matrix_export_queries_do_not_grow_with_the_data(small_cycle, django_assert_num_queries):
    with django_assert_num_queries(MATRIX_QUERIES):
        implementation_report.matrix_export(cycle=small_cycle.cycle, fmt="csv")
    data = build_followup_data(countries=196, recommendations=20, cycles=3)
    with django_assert_num_queries(MATRIX_QUERIES):
        content, _content_type = implementation_report.matrix_export(cycle=data.cycles[-1], fmt="csv")
    assert content.decode().count("\n") == 1 + selectors.member_countries().count() * 20


@pytest.fixture(autouse=True)
def _account_row_loaded_per_request(settings):
    """The pinned counts include loading the signed-in account (what its first request pays; envcrime.auth
    caches the row after: tests/test_account_cache.py)."""
    settings.AUTH_USER_CACHE_SECONDS = 0
