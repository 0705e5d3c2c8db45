"""allauth's session activity, recorded at most once per USERSESSIONS_ACTIVITY_INTERVAL (envcrime.sessions)."""

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from tests.accounts.helpers import sign_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_activity_is_recorded_once_per_interval_and_the_sign_in_creates_the_row(settings):
    settings.USERSESSIONS_ACTIVITY_INTERVAL = 60
    user = UserFactory()
    client = Client(HTTP_USER_AGENT="Laptop browser")
    sign_in(client, user.email)
    session = UserSession.objects.get(user=user)
    first_seen = session.last_seen_at
    client.get(reverse("home"))
    seen = UserSession.objects.get(pk=session.pk).last_seen_at
    for _ in range(3):
        client.get(reverse("home"))
    assert UserSession.objects.get(pk=session.pk).last_seen_at == seen, "not again within the interval"
    assert seen >= first_seen


def test_an_interval_of_zero_records_every_request(settings):
    settings.USERSESSIONS_ACTIVITY_INTERVAL = 0
    user = UserFactory()
    client = Client()
    sign_in(client, user.email)
    client.get(reverse("home"))
    seen = UserSession.objects.get(user=user).last_seen_at
    client.get(reverse("home"))
    assert UserSession.objects.get(user=user).last_seen_at > seen
