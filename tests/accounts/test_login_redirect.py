"""Where people land after signing in: staff on the admin, liaisons on their packages; `next` wins."""

import pytest
from django.urls import reverse

from tests.factories import DelegateFactory, StaffFactory, make_liaison

pytestmark = pytest.mark.django_db

PASSWORD = "a long enough test password"


def sign_in(client, user, **query):
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    url = reverse("account_login")
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(url, {"login": user.email, "password": PASSWORD})


def verified(user):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


@pytest.mark.parametrize(
    ("make_user", "landing"),
    [
        (lambda: StaffFactory(), "admin:index"),
        (lambda: make_liaison("KE")[0], "recommendations:package_list"),
        (lambda: DelegateFactory(), "home"),
    ],
)
def test_each_role_lands_on_its_page(client, settings, make_user, landing):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    response = sign_in(client, verified(make_user()))
    assert response.status_code == 302 and response["Location"] == reverse(landing)


def test_a_next_parameter_still_wins_for_staff(client, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    response = sign_in(client, verified(StaffFactory()), next="/directory/")
    assert response["Location"] == "/directory/"
