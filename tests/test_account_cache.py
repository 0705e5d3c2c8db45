"""The signed-in account's row (with its preferences, contact and the contact's country) is kept in the
cache (envcrime.auth): a request then loads no account row, and every save of what the row holds makes
it stale at once, so nobody keeps a right or a language a save took away."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from envcrime.auth import ModelBackend
from programmes.languages import user_language_set
from programmes.models import Contact
from programmes.roles import liaison_contact_of
from tests.factories import UserFactory, make_liaison

pytestmark = pytest.mark.django_db

USER_TABLE = get_user_model()._meta.db_table


def account_loads(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    return sum(f'FROM "{USER_TABLE}"' in query["sql"] for query in captured.captured_queries)


@pytest.fixture
def liaison(client):
    user, contact = make_liaison("KE")
    client.force_login(user)
    client.get(reverse("recommendations:package_list"))  # loads and caches the account row
    return user, contact


def test_a_signed_in_request_loads_no_account_row_once_cached(client, liaison):
    assert account_loads(client, reverse("recommendations:package_list")) == 0


def test_another_accounts_row_is_never_served(client, liaison):
    other = UserFactory()
    assert ModelBackend().get_user(other.pk).pk == other.pk
    assert ModelBackend().get_user(liaison[0].pk).pk == liaison[0].pk


def test_deactivating_the_account_signs_it_out_at_once(client, liaison):
    user, _contact = liaison
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert client.get(reverse("recommendations:package_list")).status_code == 302


def test_changing_the_password_ends_the_session_at_once(client, liaison):
    user, _contact = liaison
    user.set_password("a-new-long-passphrase")
    user.save()
    assert client.get(reverse("recommendations:package_list")).status_code == 302


@pytest.mark.parametrize("change", ["contact inactive", "contact deleted", "country inactive"])
def test_losing_the_liaison_link_takes_effect_at_once(client, liaison, change):
    _user, contact = liaison
    if change == "contact inactive":
        contact.is_active = False
        contact.save(update_fields=["is_active"])
    elif change == "contact deleted":
        contact.delete()
    else:
        country = contact.member_country
        country.is_active = False
        country.save(update_fields=["is_active"])
    assert client.get(reverse("recommendations:package_list")).status_code == 404


def test_a_new_language_takes_effect_at_once(client, liaison):
    user, _contact = liaison
    user_language_set(user=user, language="fr")
    assert client.get(reverse("recommendations:package_list"))["Content-Language"] == "fr"


def test_a_row_read_before_a_concurrent_write_is_not_used_after_it(liaison):
    """The tokens read before loading are stored with the row: a write committed meanwhile changes them."""
    from envcrime import auth

    user, contact = liaison
    tokens, _row = auth._tokens_and_user(user.pk)
    stale = auth._UserWithPreferences._load(user.pk)
    contact.is_active = False
    contact.save(update_fields=["is_active"])  # changes the contacts table's token
    from django.core.cache import cache

    cache.set(auth.USER_KEY.format(user.pk), (tokens, stale), timeout=60)  # the slow request stores
    assert liaison_contact_of(ModelBackend().get_user(user.pk)) is None


def test_a_bulk_update_no_signal_announces_takes_effect_at_once(client, liaison):
    """QuerySet.update sends no signal: the write itself changes the table's token."""
    user, contact = liaison
    assert client.get(reverse("recommendations:package_list")).status_code == 200
    Contact.objects.filter(pk=contact.pk).update(is_active=False)
    assert client.get(reverse("recommendations:package_list")).status_code == 404
