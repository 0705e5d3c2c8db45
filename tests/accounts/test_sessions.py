import pytest
from allauth.usersessions.models import UserSession
from django.test import Client
from django.urls import reverse

from tests.accounts.helpers import sign_in, signed_in_user_id
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_user_lists_their_sessions_and_ends_the_other_one():
    user = UserFactory(email="liaison@example.org")
    other_user = UserFactory(email="someone-else@example.org")
    laptop = Client(HTTP_USER_AGENT="Laptop browser")
    phone = Client(HTTP_USER_AGENT="Phone browser")
    stranger = Client(HTTP_USER_AGENT="Stranger browser")
    sign_in(laptop, user.email)
    sign_in(phone, user.email)
    sign_in(stranger, other_user.email)
    assert UserSession.objects.filter(user=user).count() == 2

    page = laptop.get(reverse("usersessions_list"))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Laptop browser" in html and "Phone browser" in html
    assert "Stranger browser" not in html, "only the user's own sessions are listed"

    response = laptop.post(reverse("usersessions_list"))

    assert response.status_code == 302
    assert signed_in_user_id(laptop) == str(user.pk), "the current session stays"
    assert phone.get(reverse("usersessions_list")).status_code == 302, "the other session is signed out"
    assert signed_in_user_id(phone) is None
    assert UserSession.objects.filter(user=user).count() == 1
    assert signed_in_user_id(stranger) == str(other_user.pk), "other people's sessions are untouched"


def test_the_sessions_page_needs_a_signed_in_user(client):
    response = client.get(reverse("usersessions_list"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
