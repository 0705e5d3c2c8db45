"""Distribution services in-process, against the real SMTP server fixture (the worker tests run them in Celery)."""

import re
from datetime import timedelta

import pytest
from django.core.mail import get_connection
from django.utils import timezone

from envcrime import table_versions
from envcrime.celery import app as celery_app
from programmes.models import Contact, MemberCountry
from recommendations import selectors, services
from recommendations.models import Delivery, DeliveryEvent, Distribution
from recommendations.services.distribution import delivery_batch_size
from recommendations.tasks import send_deliveries, send_delivery
from tests.factories import ContactFactory, StaffFactory, member_country

from .factories import DraftPackageFactory, primary_contacts_for_every_country, published_package

pytestmark = pytest.mark.django_db


def _send(delivery_id):
    return services.delivery_send(delivery_id=delivery_id, open_connection=get_connection)


def test_starting_creates_one_delivery_per_active_primary_contact_and_lists_countries_without_one(
    django_capture_on_commit_callbacks,
):
    package = published_package()
    primary_contacts_for_every_country(exclude_iso2=("NP", "TH"))
    ContactFactory(member_country=member_country("KE"), is_primary=False)  # not the primary: not addressed
    ContactFactory(member_country=member_country("KE"), is_primary=True, is_active=False)  # inactive
    MemberCountry.objects.filter(iso2="GB").update(is_active=False)  # left the organisation

    staff = StaffFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        started = services.distribution_start(package=package, started_by=staff)

    active = MemberCountry.objects.active().count()
    assert started.created == active - 2 == Delivery.objects.filter(distribution=started.distribution).count()
    assert not Delivery.objects.filter(member_country__iso2="GB").exists()
    assert {c["iso2"] for c in started.distribution.countries_without_contact} == {"NP", "TH"}
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}
    # The others change the written tables' tokens for the page caches (envcrime.table_versions).
    enqueuing = [hook for hook in callbacks if getattr(hook, "func", None) is not table_versions.change]
    assert len(enqueuing) == 1, "one on-commit hook enqueues every delivery"
    assert started.distribution.finished_at is None


def test_distributing_again_reaches_only_contacts_added_since(django_capture_on_commit_callbacks, smtp_server):
    package = published_package()
    primary_contacts_for_every_country(exclude_iso2=("NP",))
    with django_capture_on_commit_callbacks(execute=True):
        first = services.distribution_start(package=package)
    assert len(smtp_server.messages) == first.created
    first.distribution.refresh_from_db()
    assert first.distribution.finished_at is not None

    newcomer = ContactFactory(member_country=member_country("NP"), is_primary=True, email="np@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        second = services.distribution_start(package=package)

    assert second.created == 1 and second.distribution != first.distribution
    assert second.distribution.countries_without_contact == []
    assert len(smtp_server.messages) == first.created + 1
    assert smtp_server.messages[-1].rcpt_tos == [newcomer.email]

    with django_capture_on_commit_callbacks(execute=True):
        third = services.distribution_start(package=package)
    assert third.created == 0 and third.distribution == second.distribution
    assert len(smtp_server.messages) == first.created + 1


def test_only_a_published_package_is_distributed():
    with pytest.raises(services.PackageNotPublished):
        services.distribution_start(package=DraftPackageFactory())


def test_an_email_in_the_contacts_language_with_a_personal_link(smtp_server, client):
    package = published_package(title="Lyon recommendations")
    contact = ContactFactory(member_country=member_country("FR"), is_primary=True, preferred_language="fr")
    services.distribution_start(package=package)
    delivery = Delivery.objects.get(contact=contact)
    assert delivery.language == "fr"

    assert _send(delivery.pk).status == "sent"

    (message,) = smtp_server.messages
    assert message.rcpt_tos == [contact.email]
    assert "Lyon recommendations" in message.subject
    assert package.document_sha256 in message.text()
    link = re.search(r"http://\S+/packages/link/\S+/", message.text()).group(0)
    assert link in message.html()
    response = client.get(link.removeprefix("http://127.0.0.1:8000"))
    assert response.status_code == 200
    assert package.title in response.content.decode()


def test_sending_one_delivery_takes_a_constant_number_of_queries(smtp_server, django_assert_num_queries):
    package = published_package()
    primary_contacts_for_every_country()
    services.distribution_start(package=package)
    first, second, *_rest = Delivery.objects.order_by("pk").values_list("pk", flat=True)
    # claim, load with its package, visit and contact, mark sent, finish-if-done
    with django_assert_num_queries(4):
        assert _send(first).status == "sent"
    with django_assert_num_queries(4):
        assert _send(second).status == "sent"


def test_a_delivery_already_sent_or_claimed_is_never_sent_again(smtp_server, django_assert_num_queries):
    package = published_package()
    contact = ContactFactory(member_country=member_country("KE"), is_primary=True)
    services.distribution_start(package=package)
    delivery = Delivery.objects.get(contact=contact)
    assert _send(delivery.pk).status == "sent"

    with django_assert_num_queries(1):
        assert _send(delivery.pk).status == "skipped", "a duplicate task message is a no-op"
    assert len(smtp_server.messages) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("sent", 1)


def test_a_transient_refusal_is_retried_with_backoff_then_sent(smtp_server, settings):
    settings.DELIVERY_RETRY_BACKOFF_SECONDS = 10
    package = published_package()
    contact = ContactFactory(member_country=member_country("KE"), is_primary=True, email="busy@example.org")
    services.distribution_start(package=package)
    delivery = Delivery.objects.get(contact=contact)
    smtp_server.refuse("busy@example.org", times=2)

    before = timezone.now()
    first = _send(delivery.pk)
    second_try = _send(delivery.pk)
    assert (first.status, first.countdown) == ("retry", 10)
    assert second_try.status == "retry" and second_try.countdown == 20, "exponential backoff"
    delivery.refresh_from_db()
    assert delivery.status == "queued" and delivery.attempts == 2
    assert delivery.next_attempt_at >= before + timedelta(seconds=20)
    assert "451" in delivery.last_error

    assert _send(delivery.pk).status == "sent"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("sent", 3, "")
    # The trail holds the failed attempts; claims and the send itself are on the row (see DeliveryEvent).
    trail = list(DeliveryEvent.objects.filter(delivery=delivery).values_list("from_status", "to_status", "note"))
    assert [(f, t) for f, t, _note in trail] == [("sending", "queued"), ("sending", "queued")]
    assert trail[0][2].startswith("Attempt 1 failed, retrying in 10 s") and "451" in trail[0][2]
    assert delivery.claimed_at is not None and delivery.sent_at >= delivery.claimed_at
    assert len(smtp_server.messages_to("busy@example.org")) == 1


def test_transient_refusals_fail_after_the_set_attempts(smtp_server, settings):
    settings.DELIVERY_MAX_ATTEMPTS = 3
    package = published_package()
    contact = ContactFactory(member_country=member_country("KE"), is_primary=True, email="gone@example.org")
    started = services.distribution_start(package=package)
    smtp_server.refuse("gone@example.org", times=None)
    delivery = Delivery.objects.get(contact=contact)

    outcomes = [_send(delivery.pk).status for _ in range(3)]

    assert outcomes == ["retry", "retry", "failed"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert "451" in delivery.last_error
    assert _send(delivery.pk).status == "skipped"
    started.distribution.refresh_from_db()
    assert started.distribution.finished_at is not None, "a failed delivery is no longer pending"


def test_a_permanent_refusal_fails_at_once(smtp_server):
    package = published_package()
    contact = ContactFactory(member_country=member_country("KE"), is_primary=True, email="nobody@example.org")
    services.distribution_start(package=package)
    smtp_server.refuse("nobody@example.org", times=None, code="550 5.1.1 No such user")
    delivery = Delivery.objects.get(contact=contact)

    assert _send(delivery.pk).status == "failed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 1)
    assert "550" in delivery.last_error
    assert DeliveryEvent.objects.filter(delivery=delivery, to_status="failed").exists()


def test_an_unreachable_relay_counts_as_an_attempt(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    package = published_package()
    contact = ContactFactory(member_country=member_country("KE"), is_primary=True)
    services.distribution_start(package=package)
    delivery = Delivery.objects.get(contact=contact)

    assert _send(delivery.pk).status == "retry"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error.lower()


def test_retry_failed_requeues_and_sends_only_the_failed_ones(smtp_server, django_capture_on_commit_callbacks):
    package = published_package()
    primary_contacts_for_every_country()
    started = services.distribution_start(package=package)
    smtp_server.refuse("liaison-ke@example.org", times=1, code="550 5.1.1 No such user")
    smtp_server.refuse("liaison-np@example.org", times=1, code="550 5.1.1 No such user")
    for pk in Delivery.objects.values_list("pk", flat=True):
        _send(pk)
    assert Delivery.objects.filter(status="failed").count() == 2
    sent_before = len(smtp_server.messages)
    staff = StaffFactory()

    with django_capture_on_commit_callbacks(execute=True):
        count = services.deliveries_retry_failed(distribution=started.distribution, by=staff)

    assert count == 2
    assert len(smtp_server.messages) == sent_before + 2
    assert {r for m in smtp_server.messages[sent_before:] for r in m.rcpt_tos} == {
        "liaison-ke@example.org",
        "liaison-np@example.org",
    }
    assert not Delivery.objects.exclude(status="sent").exists()
    assert DeliveryEvent.objects.filter(by=staff, from_status="failed", to_status="queued").count() == 2
    started.distribution.refresh_from_db()
    assert started.distribution.finished_at is not None


def test_the_sweeper_recovers_stale_claims_and_lost_messages_but_leaves_fresh_rows(
    smtp_server, settings, django_capture_on_commit_callbacks
):
    settings.DELIVERY_STALE_AFTER_SECONDS = 60
    package = published_package()
    contacts = ContactFactory.create_batch(4, is_primary=False)
    Contact.objects.filter(pk__in=[c.pk for c in contacts]).update(is_primary=False)
    distribution = Distribution.objects.create(package=package)
    long_ago = timezone.now() - timedelta(minutes=5)
    rows = {
        name: Delivery.objects.create(
            distribution=distribution,
            package=package,
            contact=contact,
            member_country=contact.member_country,
            email=contact.email,
            status=status,
            claimed_at=claimed_at,
            queued_at=queued_at,
        )
        for name, contact, status, claimed_at, queued_at in [
            ("dead_worker", contacts[0], "sending", long_ago, long_ago),
            ("lost_message", contacts[1], "queued", None, long_ago),
            ("busy_now", contacts[2], "sending", timezone.now(), long_ago),
            ("just_queued", contacts[3], "queued", None, timezone.now()),
        ]
    }

    with django_capture_on_commit_callbacks(execute=True):
        result = services.deliveries_sweep()

    assert (result.reset, result.requeued) == (1, 1)
    statuses = {name: Delivery.objects.get(pk=row.pk).status for name, row in rows.items()}
    assert statuses == {"dead_worker": "sent", "lost_message": "sent", "busy_now": "sending", "just_queued": "queued"}
    assert sorted(r for m in smtp_server.messages for r in m.rcpt_tos) == sorted([contacts[0].email, contacts[1].email])
    assert DeliveryEvent.objects.filter(delivery=rows["dead_worker"], to_status="queued").exists()

    # Re-enqueued rows are not re-enqueued again on the next sweep while their message is fresh.
    Delivery.objects.filter(pk=rows["busy_now"].pk).update(status="queued", next_attempt_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        again = services.deliveries_sweep()
    assert (again.reset, again.requeued) == (0, 0)
    assert len(callbacks) == 0


def test_the_sweeper_marks_a_completed_distribution_finished():
    package = published_package()
    contact = ContactFactory(member_country=member_country("KE"), is_primary=True)
    started = services.distribution_start(package=package)
    Delivery.objects.filter(contact=contact).update(status="sent", sent_at=timezone.now())
    assert services.deliveries_sweep().finished == 1
    started.distribution.refresh_from_db()
    assert started.distribution.finished_at is not None


# --- Review findings: the sweeper and a backlog, claims, resuming, one producer ---------------------


@pytest.fixture
def real_broker():
    """Tasks published to the test Redis broker instead of run eagerly; its queue is purged afterwards."""
    celery_app.conf.task_always_eager = False  # the autouse fixture of the root conftest restores it
    celery_app.control.purge()
    yield
    celery_app.control.purge()


def _delivery_row(distribution, contact, **fields):
    return Delivery.objects.create(
        distribution=distribution,
        package=distribution.package,
        contact=contact,
        member_country=contact.member_country,
        email=contact.email,
        **fields,
    )


def test_the_sweeper_leaves_queued_rows_alone_while_the_broker_queue_has_a_backlog(
    settings, real_broker, django_capture_on_commit_callbacks
):
    settings.DELIVERY_STALE_AFTER_SECONDS = 60
    distribution = Distribution.objects.create(package=published_package())
    long_ago = timezone.now() - timedelta(minutes=5)
    waiting = _delivery_row(distribution, ContactFactory(), queued_at=long_ago)
    dead_worker = _delivery_row(distribution, ContactFactory(), status="sending", claimed_at=long_ago)
    send_delivery.apply_async((waiting.pk,))  # its message waits in the queue behind others
    assert selectors.broker_queue_length() == 1

    with django_capture_on_commit_callbacks(execute=False):
        result = services.deliveries_sweep()

    assert (result.reset, result.requeued) == (1, 0), "a killed worker's claim is reset even with a backlog"
    waiting.refresh_from_db()
    assert (waiting.status, waiting.next_attempt_at) == ("queued", None), "a waiting row is not enqueued again"
    assert Delivery.objects.get(pk=dead_worker.pk).status == "queued"

    celery_app.control.purge()  # the queue drained: a stale queued row now has no live message
    assert selectors.broker_queue_length() == 0
    with django_capture_on_commit_callbacks(execute=False):
        drained = services.deliveries_sweep()
    assert (drained.reset, drained.requeued) == (0, 1)


def test_enqueueing_publishes_every_delivery_in_batches_over_one_producer(
    real_broker, django_capture_on_commit_callbacks, settings
):
    settings.DELIVERY_BATCH_SIZE, settings.DELIVERY_BATCH_SIZE_MAX, settings.DELIVERY_PARALLEL_MESSAGES = 10, 25, 8
    primary_contacts_for_every_country()
    producers, batches = [], []
    original = send_deliveries.apply_async

    def recording_apply_async(args, producer=None, **kwargs):
        producers.append(producer)
        batches.append(args[0])
        return original(args, producer=producer, **kwargs)

    send_deliveries.apply_async = recording_apply_async
    try:
        with django_capture_on_commit_callbacks(execute=True):
            started = services.distribution_start(package=published_package())
    finally:
        del send_deliveries.apply_async
    assert started.created == 190
    assert [len(batch) for batch in batches] == [24] * 7 + [22], "190 deliveries in 8 messages"
    assert sorted(pk for batch in batches for pk in batch) == sorted(
        Delivery.objects.filter(distribution=started.distribution).values_list("pk", flat=True)
    )
    assert producers[0] is not None and all(p is producers[0] for p in producers)
    assert selectors.broker_queue_length() == 8, "published on commit, one message per batch"


@pytest.mark.parametrize(
    ("count", "size"),
    [(1, 10), (80, 10), (81, 11), (190, 24), (200, 25), (10_000, 25)],
)
def test_a_small_distribution_is_spread_over_a_few_messages_a_large_one_in_batches_of_at_most_25(settings, count, size):
    settings.DELIVERY_BATCH_SIZE, settings.DELIVERY_BATCH_SIZE_MAX, settings.DELIVERY_PARALLEL_MESSAGES = 10, 25, 8
    assert delivery_batch_size(count) == size


def test_enqueueing_in_eager_mode_still_sends_in_process(smtp_server, django_capture_on_commit_callbacks):
    [ContactFactory(member_country=member_country(c), is_primary=True) for c in ("KE", "FR", "BR")]
    with django_capture_on_commit_callbacks(execute=True):
        started = services.distribution_start(package=published_package())
    assert started.created == 3 == len(smtp_server.messages)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"sent"}


def test_resuming_skips_queued_rows_still_waiting_for_their_retry(django_capture_on_commit_callbacks):
    package = published_package()
    [ContactFactory(member_country=member_country(c), is_primary=True) for c in ("KE", "FR", "BR")]
    started = services.distribution_start(package=package)
    waiting, due, fresh = Delivery.objects.order_by("pk")
    Delivery.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now() + timedelta(minutes=5))
    Delivery.objects.filter(pk=due.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))

    with django_capture_on_commit_callbacks(execute=False):
        again = services.distribution_start(package=package)

    assert again.distribution == started.distribution
    assert (again.created, again.requeued) == (0, 2), "the row waiting for its retry is not enqueued early"


def _another_claim_takes_over(delivery_id):
    """`open_connection` runs after the claim: meanwhile the sweeper reset the row and another task claimed it."""

    def open_connection():
        Delivery.objects.filter(pk=delivery_id).update(
            status="sending", claimed_at=timezone.now() + timedelta(seconds=1)
        )
        return get_connection()

    return open_connection


@pytest.mark.parametrize("code", ["451 4.3.0 Try again later", "550 5.1.1 No such user"])
def test_a_failure_does_not_clobber_a_row_that_another_claim_now_owns(smtp_server, code):
    contact = ContactFactory(member_country=member_country("KE"), is_primary=True, email="slow@example.org")
    services.distribution_start(package=published_package())
    delivery = Delivery.objects.get(contact=contact)
    smtp_server.refuse("slow@example.org", times=1, code=code)

    outcome = services.delivery_send(delivery_id=delivery.pk, open_connection=_another_claim_takes_over(delivery.pk))

    assert outcome.status == "overtaken", "the other claim decides what happens to the row"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.last_error) == ("sending", "")
    assert not DeliveryEvent.objects.filter(delivery=delivery).exists()


def test_a_message_that_left_marks_the_row_sent_even_if_another_claim_owns_it(smtp_server):
    contact = ContactFactory(member_country=member_country("KE"), is_primary=True)
    services.distribution_start(package=published_package())
    delivery = Delivery.objects.get(contact=contact)

    outcome = services.delivery_send(delivery_id=delivery.pk, open_connection=_another_claim_takes_over(delivery.pk))

    assert outcome.status == "sent"
    delivery.refresh_from_db()
    assert delivery.status == "sent" and delivery.sent_at is not None


def test_an_unordered_delivery_query_needs_no_join():
    sql = str(Delivery.objects.filter(status="queued").query)
    assert "JOIN" not in sql and "ORDER BY" in sql


# --- Batches: one claim per task message, the email rendered once per language ------------------


def _batch(ids):
    return services.deliveries_send(delivery_ids=ids, open_connection=get_connection)


def test_a_batch_is_claimed_in_one_statement_and_each_delivery_costs_one_more(smtp_server, django_assert_num_queries):
    primary_contacts_for_every_country()
    services.distribution_start(package=published_package())
    ids = list(Delivery.objects.order_by("pk").values_list("pk", flat=True)[:10])
    # claim (with the contacts' names), the package's facts, one `sent` per delivery, finish-if-done
    with django_assert_num_queries(1 + 1 + 10 + 1):
        outcomes = _batch(ids)
    assert {o.status for o in outcomes.values()} == {"sent"}
    assert len(smtp_server.messages) == 10
    with django_assert_num_queries(1):
        assert {o.status for o in _batch(ids).values()} == {"skipped"}, "a second copy of the message sends nothing"
    assert len(smtp_server.messages) == 10


def test_one_rendering_per_language_each_recipient_gets_their_own_name_and_link(smtp_server, client):
    package = published_package(title="Lyon recommendations")
    kenya = ContactFactory(member_country=member_country("KE"), is_primary=True, name="Wanjiru <Kamau> & Co")
    nepal = ContactFactory(member_country=member_country("NP"), is_primary=True, name="Sita Sharma")
    france = ContactFactory(
        member_country=member_country("FR"), is_primary=True, name="Zoé Martin", preferred_language="fr"
    )
    services.distribution_start(package=package)

    _batch(list(Delivery.objects.values_list("pk", flat=True)))

    by_recipient = {m.rcpt_tos[0]: m for m in smtp_server.messages}
    assert set(by_recipient) == {kenya.email, nepal.email, france.email}
    links = set()
    for contact in (kenya, nepal, france):
        message = by_recipient[contact.email]
        assert contact.name in message.text()
        (link,) = re.findall(r"http://\S+/packages/link/\S+/", message.text())
        assert f'href="{link}"' in message.html()
        links.add(link)
        response = client.get(link.removeprefix("http://127.0.0.1:8000"))
        assert response.context["delivery"].email == contact.email
    assert len(links) == 3
    assert "Wanjiru &lt;Kamau&gt; &amp; Co" in by_recipient[kenya.email].html(), "the name is escaped in HTML"
    assert "Sita Sharma" not in by_recipient[kenya.email].text()
    assert by_recipient[france.email].subject != by_recipient[nepal.email].subject, "French for the French liaison"
    assert "Lyon recommendations" in by_recipient[nepal.email].subject


def test_a_batch_out_of_time_gives_back_the_claims_it_did_not_attempt(smtp_server, settings):
    settings.DELIVERY_STALE_AFTER_SECONDS = 0  # half of it is over after the first message
    [ContactFactory(member_country=member_country(c), is_primary=True) for c in ("KE", "FR", "BR")]
    services.distribution_start(package=published_package())
    first, *rest = Delivery.objects.order_by("pk").values_list("pk", flat=True)

    outcomes = _batch([first, *rest])

    assert outcomes[first].status == "sent"
    assert {outcomes[pk].status for pk in rest} == {"released"}
    assert len(smtp_server.messages) == 1
    assert set(Delivery.objects.filter(pk__in=rest).values_list("status", "attempts")) == {("queued", 0)}


def test_the_rows_inserted_in_one_statement_are_what_a_new_delivery_would_be():
    """distribution_start inserts with one INSERT … SELECT FROM unnest on PostgreSQL: every column must
    hold what the model would have saved."""
    kenya = ContactFactory(member_country=member_country("KE"), is_primary=True, preferred_language="fr")
    nepal = ContactFactory(member_country=member_country("NP"), is_primary=True, preferred_language="ar")
    package = published_package()
    started = services.distribution_start(
        package=package, addressed=Contact.objects.filter(pk__in=[kenya.pk, nepal.pk])
    )
    assert started.created == 2
    fields = [field.attname for field in Delivery._meta.concrete_fields if not field.primary_key]
    for contact in (kenya, nepal):
        inserted = Delivery.objects.get(contact=contact)
        expected = Delivery(
            distribution=started.distribution,
            package=package,
            contact=contact,
            member_country=contact.member_country,
            email=contact.email,
            language=contact.preferred_language,
            queued_at=started.distribution.started_at,
        )
        assert {name: getattr(inserted, name) for name in fields} == {name: getattr(expected, name) for name in fields}


def test_an_address_too_long_for_its_column_is_refused_not_cut():
    """The one-statement insert must refuse what the model's column refuses, as bulk_create would."""
    from django.db import DataError, transaction

    contact = ContactFactory(member_country=member_country("KE"), is_primary=True)
    package = published_package()
    from recommendations.services.distribution import _deliveries_insert

    distribution = Distribution.objects.create(package=package)
    template = Delivery(distribution=distribution, package=package)
    with pytest.raises(DataError), transaction.atomic():
        _deliveries_insert(template, [(contact.pk, contact.member_country_id, "y" * 300 + "@example.org", "en")])
    assert not Delivery.objects.filter(distribution=distribution).exists()
