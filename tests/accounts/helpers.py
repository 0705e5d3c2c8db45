"""Helpers for the account tests: sign in through allauth's real views, compute TOTP codes."""

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.urls import reverse

from tests.factories import PASSWORD


def current_totp_code(secret: str) -> str:
    """The code an authenticator app shows now (the middle of allauth's tolerance window)."""
    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


def sign_in(client, email: str, password: str = PASSWORD, **extra):
    return client.post(reverse("account_login"), {"login": email, "password": password}, **extra)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")
