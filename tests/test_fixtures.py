"""The shared fixtures themselves: the fast password hasher and the per-worker Redis databases."""

import pytest
from django.conf import global_settings, settings
from django.contrib.auth.hashers import check_password, make_password

from tests.factories import PASSWORD, UserFactory
from tests.fixtures.parallel import worker_redis_urls


@pytest.mark.django_db
def test_factories_hash_passwords_with_the_fast_hasher():
    user = UserFactory()

    assert user.password.startswith("md5$")
    assert user.check_password(PASSWORD)


def test_a_test_can_restore_the_real_hasher(settings):
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS

    encoded = make_password("a password")

    assert encoded.startswith("pbkdf2_sha256$1000000$")
    assert check_password("a password", encoded)


def test_the_fast_hasher_is_back_after_a_test_restored_the_real_one():
    assert settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.MD5PasswordHasher"


def test_each_xdist_worker_shifts_both_redis_databases_past_the_previous_workers():
    broker, cache = "redis://127.0.0.1:6379/9", "redis://127.0.0.1:6379/10"

    assert worker_redis_urls(broker, cache, 0) == {"REDIS_URL": broker, "CACHE_URL": cache}
    assert worker_redis_urls(broker, cache, 1) == {
        "REDIS_URL": "redis://127.0.0.1:6379/11",
        "CACHE_URL": "redis://127.0.0.1:6379/12",
    }


def test_a_cache_sharing_the_broker_database_shifts_by_one():
    url = "redis://:secret@redis.internal:6380/1"

    shifted = "redis://:secret@redis.internal:6380/3"
    assert worker_redis_urls(url, url, 2) == {"REDIS_URL": shifted, "CACHE_URL": shifted}


def test_options_of_a_url_are_kept():
    url = "rediss://127.0.0.1:6380/4?ssl_cert_reqs=none"

    assert worker_redis_urls(url, url, 1)["REDIS_URL"] == "rediss://127.0.0.1:6380/5?ssl_cert_reqs=none"


def test_a_url_without_a_database_starts_at_database_zero():
    assert worker_redis_urls("redis://127.0.0.1", "redis://127.0.0.1/1", 1) == {
        "REDIS_URL": "redis://127.0.0.1/2",
        "CACHE_URL": "redis://127.0.0.1/3",
    }


@pytest.mark.django_db(transaction=True)
def test_programme_staff_keep_their_permissions_after_a_flush_without_post_migrate():
    """What a `serialized_rollback` test leaves behind: every table flushed and post_migrate skipped.
    The next transactional test must still find programme staff with their permissions."""
    from django.core.management import call_command

    from tests.factories import StaffFactory
    from tests.fixtures.data import _load_migration_data

    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    _load_migration_data()

    assert StaffFactory().has_perm("recommendations.view_reportingcycle")
