"""Two staff members at once: the visit row lock keeps package versions unique and consecutive."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from recommendations import services
from recommendations.models import RecommendationPackage
from tests.factories import VisitFactory

from .factories import DraftPackageFactory, RecommendationFactory

# serialized_rollback: the flush after each test would otherwise drop the member countries loaded by a migration.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("migration_data"),
]
THREADS = 4


def run_at_once(functions):
    """Run each function in its own thread (and database connection), released together by a barrier."""
    barrier = threading.Barrier(len(functions))

    def run(function):
        try:
            barrier.wait()
            return function()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(functions)) as pool:
        futures = [pool.submit(run, function) for function in functions]
        return [future.result() for future in futures]  # re-raises any error of a thread (IntegrityError)


def test_concurrent_new_versions_of_one_package_are_serialised_not_a_unique_constraint_error():
    visit = VisitFactory()
    RecommendationFactory(visit=visit, number=1)
    published = services.package_publish(package=DraftPackageFactory(visit=visit, version=1), by=None)

    def new_version():
        return services.package_new_version(package=published).version

    versions = run_at_once([new_version] * THREADS)

    assert sorted(versions) == list(range(2, THREADS + 2))
    stored = RecommendationPackage.objects.filter(visit=visit).values_list("version", flat=True)
    assert sorted(stored) == list(range(1, THREADS + 2))
