import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse
from django.utils.module_loading import import_string

from programmes.roles import DELEGATE
from tests.accounts.helpers import sign_in, signed_in_user_id
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Lyon-visit-2013-secure!"


def confirmation_path(message) -> str:
    match = re.search(r"/accounts/confirm-email/[^/\s]+/", message.body)
    assert match, message.body
    return match.group(0)


def without_csrf_token(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_sign_up_sends_a_verification_email_and_confirming_signs_in_a_delegate(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "ranger@kws.example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None, "mandatory verification: no session before the email is confirmed"
    user = get_user_model().objects.get(email="ranger@kws.example.org")
    assert list(user.groups.values_list("name", flat=True)) == [DELEGATE]
    assert not EmailAddress.objects.get(user=user).verified
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ranger@kws.example.org"]
    assert mail.outbox[0].subject.startswith("[EnvCrime] ")

    path = confirmation_path(mail.outbox[0])
    page = client.get(path)
    assert page.status_code == 200, "confirming on GET is off: a mail scanner must not confirm"
    assert not EmailAddress.objects.get(user=user).verified

    response = client.post(path)

    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified
    assert signed_in_user_id(client) == str(user.pk)


def test_sign_up_with_a_taken_address_looks_like_a_new_sign_up(client):
    """Account enumeration prevention: the answer does not reveal that the address has an account."""
    existing = UserFactory(email="known@example.org")

    response = client.post(
        reverse("account_signup"),
        {"email": "known@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert get_user_model().objects.filter(email__iexact="known@example.org").count() == 1
    assert get_user_model().objects.get(email="known@example.org") == existing
    # The owner of the address is told someone tried, by email (not the person at the keyboard).
    assert [m.to for m in mail.outbox] == [["known@example.org"]]


def test_sign_in_by_email(client):
    user = UserFactory(email="officer@example.org")

    response = sign_in(client, "officer@example.org")

    assert response.status_code == 302
    assert response.url == reverse("home")
    assert signed_in_user_id(client) == str(user.pk)


def test_sign_in_by_username_is_not_accepted(client):
    user = UserFactory(email="officer@example.org")

    response = sign_in(client, user.username)

    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_unverified_address_cannot_sign_in(client):
    UserFactory(email="unverified@example.org", verified_email=False)

    response = sign_in(client, "unverified@example.org")

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert signed_in_user_id(client) is None
    assert [m.to for m in mail.outbox] == [["unverified@example.org"]], "a fresh verification email is sent"


def test_wrong_password_is_refused(client):
    UserFactory(email="officer@example.org")

    response = sign_in(client, "officer@example.org", "not-the-password")

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert "not correct" in response.content.decode()


def test_password_reset_for_an_unknown_address_answers_like_a_known_one(client):
    UserFactory(email="known@example.org")

    known = client.post(reverse("account_reset_password"), {"email": "known@example.org"})
    unknown = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})

    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == reverse("account_reset_password_done")
    assert without_csrf_token(client.get(known.url)) == without_csrf_token(client.get(unknown.url))
    # Only the mailbox learns whether an account exists.
    assert [m.to for m in mail.outbox] == [["known@example.org"], ["nobody@example.org"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_repeated_failed_sign_ins_are_refused_even_with_the_right_password(client, settings):
    assert issubclass(import_string(settings.CACHES["default"]["BACKEND"]), RedisCache), (
        "allauth's rate limits must live in a cache shared by all processes"
    )
    UserFactory(email="target@example.org")
    for _attempt in range(5):
        response = sign_in(client, "target@example.org", "guessing-wrong")
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()

    response = sign_in(client, "target@example.org", PASSWORD)

    assert response.status_code == 200
    assert "Too many failed login attempts" in response.content.decode()
    assert signed_in_user_id(client) is None
