"""allauth's pages in a real browser: they work under the CSP, Bootstrap's JavaScript runs, and the
screenshots (test-artifacts/screenshots/accounts-*.png) show them in the portal's layout."""

import pytest
from allauth.mfa.models import Authenticator

from programmes.roles import PROGRAMME_STAFF
from tests.accounts.helpers import current_totp_code
from tests.conftest import screenshot
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def submit(page):
    with page.expect_navigation():
        page.click("main form.portal-form button[type=submit]")


def test_staff_sets_up_totp_in_the_browser_and_reaches_the_admin(live_server, page, browser_problems, settings):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = True
    staff = UserFactory(email="officer@envcrime.example.org", is_staff=True, is_superuser=True, roles=[PROGRAMME_STAFF])

    page.goto(f"{live_server.url}/admin/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/?next=")
    screenshot(page, "accounts-login")
    page.fill("input[name=login]", staff.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page)

    assert "/accounts/reauthenticate/" in page.url
    assert "two-factor authentication before using the administration" in page.inner_text(".portal-messages")
    screenshot(page, "accounts-reauthenticate")
    page.fill("input[name=password]", PASSWORD)
    submit(page)

    assert page.url == f"{live_server.url}/accounts/2fa/totp/activate/"
    qr_width = page.eval_on_selector("img.portal-qr", "img => img.complete ? img.naturalWidth : 0")
    assert qr_width > 0, "the data: QR code is allowed by the CSP and rendered"
    screenshot(page, "accounts-mfa-activate-totp")
    page.fill("input[name=code]", current_totp_code(page.input_value("#authenticator_secret")))
    submit(page)

    assert page.url == f"{live_server.url}/accounts/2fa/recovery-codes/"
    assert len(page.input_value("#recovery_codes").split()) == 10
    screenshot(page, "accounts-mfa-recovery-codes")
    assert Authenticator.objects.filter(user=staff, type=Authenticator.Type.TOTP).exists()

    page.goto(f"{live_server.url}/admin/")
    assert page.url == f"{live_server.url}/admin/"
    assert page.locator("#site-name").is_visible()
    screenshot(page, "accounts-admin-index")
    page.goto(f"{live_server.url}/admin/auth/user/{staff.pk}/change/")
    assert page.locator("#id_groups_to").is_visible(), "the admin's JavaScript widgets run under the CSP"

    page.goto(f"{live_server.url}/accounts/sessions/")
    screenshot(page, "accounts-sessions")
    page.click("#account-menu")
    assert page.locator("#account-menu + .dropdown-menu").is_visible(), "Bootstrap's JavaScript runs"

    assert browser_problems == []


def test_entrance_pages_in_the_browser(live_server, page, browser_problems, settings):
    user = UserFactory(email="liaison@envcrime.example.org")
    secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)

    page.goto(f"{live_server.url}/accounts/signup/")
    screenshot(page, "accounts-signup")
    page.fill("input[name=email]", "new.delegate@envcrime.example.org")
    page.fill("input[name=password1]", "Lyon-visit-2013-secure!")
    page.fill("input[name=password2]", "Lyon-visit-2013-secure!")
    submit(page)
    assert page.url == f"{live_server.url}/accounts/confirm-email/"
    screenshot(page, "accounts-verification-sent")

    page.goto(f"{live_server.url}/accounts/password/reset/")
    screenshot(page, "accounts-password-reset")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", PASSWORD)
    submit(page)
    assert page.url == f"{live_server.url}/accounts/2fa/authenticate/"
    screenshot(page, "accounts-mfa-authenticate")
    page.fill("input[name=code]", current_totp_code(secret))
    submit(page)
    assert page.url == f"{live_server.url}/"

    page.goto(f"{live_server.url}/accounts/2fa/")
    screenshot(page, "accounts-mfa-index")

    page.click("#language-menu")
    with page.expect_navigation():
        page.click("button[name=language][value=ar]")
    assert page.get_attribute("html", "dir") == "rtl"
    screenshot(page, "accounts-mfa-index-ar")
    assert browser_problems == []

    response = page.goto(f"{live_server.url}/no-such-page/")
    assert response.status == 404
    assert page.locator("main .portal-error-code").inner_text() == "404"
    assert page.get_attribute("html", "dir") == "rtl", "the error page keeps the chosen language"
    screenshot(page, "accounts-404-ar")
