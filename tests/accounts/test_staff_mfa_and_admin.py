import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.urls import reverse

from tests.accounts.helpers import current_totp_code, sign_in, signed_in_user_id
from tests.factories import PASSWORD, DelegateFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_mfa_required(settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = True


def test_staff_without_a_second_factor_is_sent_to_set_up_totp(client, staff_mfa_required):
    staff = StaffFactory()
    assert sign_in(client, staff.email).status_code == 302

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")
    for path in (reverse("admin:auth_user_changelist"), reverse("admin:password_change")):
        assert client.get(path).url == reverse("mfa_activate_totp"), path
    # The directory shows every contact's personal details to staff: the same rule applies.
    for path in (reverse("programmes:directory"), reverse("programmes:organisations")):
        assert client.get(path).url == reverse("mfa_activate_totp"), path


def test_staff_set_up_totp_from_the_redirect_and_then_open_the_admin(client, staff_mfa_required):
    """The whole path, and no loop: admin → MFA setup → allauth's password reauthentication → QR
    code → code accepted → admin."""
    staff = StaffFactory()
    sign_in(client, staff.email)

    response = client.get(reverse("admin:index"), follow=True)

    activate_url = reverse("mfa_activate_totp")
    reauthenticate_url = reverse("account_reauthenticate") + "?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    assert [url for url, _status in response.redirect_chain] == [activate_url, reauthenticate_url]
    assert response.status_code == 200
    assert "set up two-factor authentication before using the administration" in response.content.decode()

    response = client.post(reauthenticate_url, {"password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == activate_url
    assert response.templates[0].name == "mfa/totp/activate_form.html"
    assert "data:image/svg+xml;base64," in response.content.decode(), "the QR code is an inline data: image"
    secret = response.context["form"].secret

    response = client.post(activate_url, {"code": current_totp_code(secret)})

    assert response.status_code == 302
    assert response.url == reverse("mfa_view_recovery_codes")
    assert set(Authenticator.objects.filter(user=staff).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_with_only_recovery_codes_is_sent_to_set_up_totp(client, staff_mfa_required):
    staff = StaffFactory()
    RecoveryCodes.activate(staff)
    assert Authenticator.objects.filter(user=staff).count() == 1
    client.force_login(staff)

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302
    assert response.url == reverse("mfa_activate_totp")


def test_staff_without_a_second_factor_may_still_sign_out_of_the_admin(client, staff_mfa_required):
    client.force_login(StaffFactory())

    response = client.post(reverse("admin:logout"))

    assert response.status_code == 200
    assert signed_in_user_id(client) is None


def test_staff_without_a_second_factor_may_use_the_admin_when_the_setting_is_off(client, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    staff = StaffFactory()
    sign_in(client, staff.email)

    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_with_totp_signs_in_with_a_code_and_opens_the_admin(client, staff_mfa_required):
    staff = StaffFactory()
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)

    response = sign_in(client, staff.email)
    assert response.status_code == 302
    assert response.url == reverse("mfa_authenticate")
    assert signed_in_user_id(client) is None, "the password alone does not open a session"

    response = client.post(reverse("mfa_authenticate"), {"code": current_totp_code(secret)})
    assert response.status_code == 302
    assert signed_in_user_id(client) == str(staff.pk)

    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


def test_a_wrong_totp_code_does_not_sign_in(client, staff_mfa_required):
    staff = StaffFactory()
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    sign_in(client, staff.email)
    wrong = f"{(int(current_totp_code(secret)) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert signed_in_user_id(client) is None
    assert client.get(reverse("admin:index")).status_code == 302


def test_the_mfa_rule_leaves_delegates_and_portal_pages_alone(client, staff_mfa_required):
    staff = StaffFactory()
    client.force_login(staff)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("mfa_index")).status_code == 200

    client.force_login(DelegateFactory())
    assert client.get(reverse("home")).status_code == 200


def test_the_admin_login_is_allauths_login_with_next(client):
    response = client.get(reverse("admin:login") + "?next=/admin/auth/user/")

    assert response.status_code == 302
    assert response.url == reverse("account_login") + "?next=%2Fadmin%2Fauth%2Fuser%2F"


def test_an_anonymous_visit_to_the_admin_ends_at_allauths_login(client):
    response = client.get(reverse("admin:index"), follow=True)

    assert response.status_code == 200
    final_url = response.redirect_chain[-1][0]
    assert final_url.startswith(reverse("account_login") + "?next=")
    assert response.templates[0].name == "account/login.html"


def test_the_admin_login_refuses_a_signed_in_non_staff_user(client):
    client.force_login(DelegateFactory())

    response = client.get(reverse("admin:login"))

    assert response.status_code == 403
    assert "Access denied" in response.content.decode(), "the portal's 403 page"


def test_the_admin_login_form_cannot_be_posted_to_directly(client):
    """Django's own admin login form (without allauth's rate limits) is not reachable."""
    staff = StaffFactory()

    response = client.post(reverse("admin:login"), {"username": staff.username, "password": "x"})

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert signed_in_user_id(client) is None
