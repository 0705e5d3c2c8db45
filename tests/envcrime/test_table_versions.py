"""The per-table tokens the page caches key on (envcrime.table_versions): every write through Django's
connections changes its tables' tokens, whatever made it, and reads are recorded."""

import threading

import pytest
from celery import shared_task
from django.db import connection, transaction

from envcrime import table_versions
from meetings.models import Visit
from programmes.models import Contact, MemberCountry
from recommendations.models import Delivery
from tests.factories import ContactFactory, VisitFactory

pytestmark = pytest.mark.django_db

CONTACTS = Contact._meta.db_table
COUNTRIES = MemberCountry._meta.db_table
VISITS = Visit._meta.db_table
DELIVERIES = Delivery._meta.db_table


def token(table: str):
    (value,) = table_versions.versions([table])
    return value


@pytest.mark.parametrize(
    ("sql", "tables"),
    [
        ('INSERT INTO "programmes_contact" ("name") VALUES (%s) RETURNING "programmes_contact"."id"', {CONTACTS}),
        ('UPDATE "programmes_contact" SET "name" = %s WHERE "programmes_contact"."id" = %s', {CONTACTS}),
        ('DELETE FROM "programmes_contact" WHERE "programmes_contact"."id" IN (%s)', {CONTACTS}),
        # The distribution's claim: written to, and reading another table.
        (
            "UPDATE recommendations_delivery AS d SET status = %s FROM programmes_contact AS c WHERE c.id = d.id",
            {DELIVERIES},
        ),
        ("SET LOCAL synchronous_commit TO OFF;\nUPDATE recommendations_delivery\n   SET status = %s", {DELIVERIES}),
        ('TRUNCATE "programmes_contact", "programmes_membercountry" RESTART IDENTITY CASCADE', {CONTACTS, COUNTRIES}),
        (
            'INSERT INTO "meetings_visit" ("title") VALUES (%s) ON CONFLICT ("slug") DO UPDATE SET "title" = %s',
            {VISITS},
        ),
        # Not writes: a lock, an unknown table, no table at all.
        ('SELECT "programmes_contact"."id" FROM "programmes_contact" FOR UPDATE SKIP LOCKED', set()),
        ("UPDATE pg_settings SET setting = 'x'", set()),
        ("SAVEPOINT s1", set()),
    ],
)
def test_the_tables_a_statement_writes(sql, tables):
    assert table_versions.written_tables(sql) == tables


def test_a_save_a_bulk_update_and_sql_by_hand_each_change_the_token():
    contact = ContactFactory()
    tokens = [token(CONTACTS)]
    contact.name = "Renamed"
    contact.save(update_fields=["name"])
    tokens.append(token(CONTACTS))
    Contact.objects.filter(pk=contact.pk).update(title="Inspector")
    tokens.append(token(CONTACTS))
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {CONTACTS} SET phone = %s WHERE id = %s", ["+254", contact.pk])
    tokens.append(token(CONTACTS))
    assert None not in tokens and len(set(tokens)) == 4


def test_a_write_leaves_the_other_tables_tokens_alone():
    VisitFactory()
    before = table_versions.snapshot()
    ContactFactory.build()  # nothing written
    Contact.objects.filter(pk=0).update(name="nobody")
    after = table_versions.snapshot()
    assert after[CONTACTS] != before[CONTACTS]
    assert {table: value for table, value in after.items() if table != CONTACTS} == {
        table: value for table, value in before.items() if table != CONTACTS
    }


@pytest.mark.django_db(transaction=True)
def test_the_token_changes_again_when_the_transaction_commits():
    """A page rendered from the rows before the commit, but after the first change, must not match."""
    with transaction.atomic():
        Contact.objects.filter(pk=0).update(name="nobody")
        during = token(CONTACTS)
        Contact.objects.filter(pk=0).update(name="nobody again")
        assert token(CONTACTS) != during, "every statement changes it at once"
        during = token(CONTACTS)
    assert token(CONTACTS) != during


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_does_not_stop_the_next_one_changing_the_token_on_commit():
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        Contact.objects.filter(pk=0).update(name="nobody")
        1 / 0  # noqa: B018
    with transaction.atomic():
        Contact.objects.filter(pk=0).update(name="nobody")
        during = token(CONTACTS)
    assert token(CONTACTS) != during


def test_the_reads_of_a_block_are_recorded():
    ContactFactory()
    with table_versions.reading() as read:
        list(Contact.objects.select_related("member_country").all())
    assert read == {CONTACTS, COUNTRIES}


def test_held_changes_are_made_once_when_released():
    before = token(CONTACTS)
    table_versions.hold()
    try:
        Contact.objects.filter(pk=0).update(name="nobody")
        assert token(CONTACTS) == before
    finally:
        table_versions.release()
    assert token(CONTACTS) != before


@shared_task
def write_rows_one_by_one():
    for _ in range(3):
        Delivery.objects.filter(pk=0).update(status="sent")
        Contact.objects.filter(pk=0).update(name="nobody")
    return table_versions.versions([DELIVERIES, CONTACTS])


def test_a_celery_task_changes_each_table_once_when_it_ends():
    """task_prerun / task_postrun, as in a worker: the task runs here through Celery's own tracer."""
    before = table_versions.versions([DELIVERIES, CONTACTS])
    during = tuple(write_rows_one_by_one.apply().get())
    assert during == before, "held while the task runs"
    after = table_versions.versions([DELIVERIES, CONTACTS])
    assert after[0] != before[0] and after[1] != before[1]


def test_forgetting_every_page_changes_every_token():
    before = table_versions.snapshot()
    table_versions.change_all()
    after = table_versions.snapshot()
    assert all(after[table] != before[table] for table in before)


@pytest.mark.django_db(transaction=True)
def test_a_connection_opened_inside_an_execute_wrapper_block_keeps_observing_after_it():
    """A new thread's connection opens on its first query, here inside another wrapper's block."""
    outcome = {}

    def spy(execute, sql, params, many, context):
        return execute(sql, params, many, context)

    def in_a_new_thread():
        from django.db import connection as own

        try:
            with own.execute_wrapper(spy):
                Contact.objects.filter(pk=0).update(name="nobody")  # opens the thread's connection
            before = token(CONTACTS)
            Contact.objects.filter(pk=0).update(name="nobody")
            outcome["changed"] = token(CONTACTS) != before
            outcome["spy left"] = spy in own.execute_wrappers
        finally:
            own.close()

    thread = threading.Thread(target=in_a_new_thread)
    thread.start()
    thread.join()
    assert outcome == {"changed": True, "spy left": False}


@pytest.mark.django_db(transaction=True)
def test_a_task_run_inside_a_transaction_changes_the_tokens_again_when_it_commits():
    """An eager task inside an open transaction: its rows are not visible to others until the commit."""
    with transaction.atomic():
        write_rows_one_by_one.apply()
        after_the_task = table_versions.versions([DELIVERIES, CONTACTS])
    after_the_commit = table_versions.versions([DELIVERIES, CONTACTS])
    assert after_the_commit[0] != after_the_task[0] and after_the_commit[1] != after_the_task[1]


def test_a_cache_out_of_reach_does_not_fail_the_write(settings, caplog):
    """The write is done (committed, in autocommit): the page caches' timeouts bound the staleness."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    caches["default"]  # noqa: B018 -- the unreachable one, from now on
    contact = ContactFactory.build()
    with caplog.at_level("ERROR", logger="envcrime.table_versions"):
        Contact.objects.filter(pk=0).update(name="nobody")
    assert "could not change the cache tokens" in caplog.text
    assert contact.name  # the test reached here: the update did not raise
