"""Many delegates at once: the visit row lock must keep confirmed seats within capacity."""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.utils import timezone

from meetings import services
from meetings.models import Registration, RegistrationStatusChange
from tests.factories import DelegateFactory, RegistrationFactory, VisitFactory

from .factories import kenya_liaison, registration_data, submit_and_endorse

# serialized_rollback: the flush after each test would otherwise drop the member countries loaded by a migration.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.slow,
    pytest.mark.usefixtures("migration_data"),
]
Status = Registration.Status
THREADS = 40


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
        return [future.result() for future in futures]  # re-raises any error of a thread


def test_forty_delegates_for_sixteen_seats():
    visit = VisitFactory(capacity=16)
    kenya_liaison()
    delegates = [DelegateFactory() for _ in range(THREADS)]

    def register(user):
        return lambda: submit_and_endorse(visit, user).pk

    ids = run_at_once([register(user) for user in delegates])

    assert len(set(ids)) == THREADS
    statuses = list(Registration.objects.filter(visit=visit).values_list("status", flat=True))
    assert statuses.count(Status.CONFIRMED) == 16
    assert statuses.count(Status.WAITLISTED) == THREADS - 16
    # Nominated, then endorsed: two changes per registration.
    assert RegistrationStatusChange.objects.filter(registration__visit=visit).count() == 2 * THREADS


def test_thirty_endorsements_at_once_for_five_seats():
    visit = VisitFactory(capacity=5)
    liaison = kenya_liaison()
    nominations = [
        services.registration_submit(visit=visit, user=DelegateFactory(), data=registration_data(visit))
        for _ in range(30)
    ]
    assert {n.status for n in nominations} == {Status.NOMINATED}

    def endorse(registration):
        return lambda: services.registration_endorse(registration=registration, by=liaison).status

    statuses = run_at_once([endorse(n) for n in nominations])

    assert (statuses.count(Status.CONFIRMED), statuses.count(Status.WAITLISTED)) == (5, 25)
    rows = Registration.objects.filter(visit=visit)
    assert rows.filter(status=Status.CONFIRMED).count() == 5
    assert rows.filter(status=Status.WAITLISTED, endorsed_by=liaison).count() == 25


def test_cancellations_racing_promotions_and_new_registrations():
    visit = VisitFactory(capacity=16)
    confirmed = [RegistrationFactory(visit=visit) for _ in range(16)]
    now = timezone.now()
    waiting = [
        RegistrationFactory(
            visit=visit,
            status=Status.WAITLISTED,
            confirmed_at=None,
            waitlisted_at=now - datetime.timedelta(minutes=60 - i),
        )
        for i in range(12)
    ]
    newcomers = [DelegateFactory() for _ in range(10)]
    kenya_liaison()

    def cancel(registration):
        return lambda: services.registration_cancel(registration=registration, by=registration.delegate).status

    def register(user):
        return lambda: submit_and_endorse(visit, user).status

    run_at_once([cancel(r) for r in confirmed[:14]] + [register(u) for u in newcomers] + [cancel(waiting[-1])])

    rows = Registration.objects.filter(visit=visit)
    assert rows.filter(status=Status.CONFIRMED).count() == 16
    assert rows.filter(status=Status.CANCELLED).count() == 15
    # 16 + 12 + 10 rows, none lost: 16 confirmed, 15 cancelled, the rest still waiting.
    assert rows.count() == 38 and rows.filter(status=Status.WAITLISTED).count() == 7
    # The first eleven who waited (the twelfth cancelled) were all promoted before any newcomer.
    promoted_first = set(rows.filter(pk__in=[r.pk for r in waiting[:11]]).values_list("status", flat=True))
    assert promoted_first == {Status.CONFIRMED}
    # Every row's history ends in its current status: no change was lost or recorded twice.
    for registration in rows.prefetch_related("status_changes"):
        changes = list(registration.status_changes.all())
        if changes:
            assert changes[-1].to_status == registration.status
        assert all(a.to_status == b.from_status for a, b in zip(changes, changes[1:], strict=False))
