"""SITE_URL is checked when DEBUG is false: https, and a host in ALLOWED_HOSTS, or nothing starts."""

import pytest

from envcrime.management.commands.runsite import runserver_address

from .test_deploy_settings import manage, production_env  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


def test_a_good_site_url_passes(production_env):  # noqa: F811
    result = manage(production_env, "check")
    assert result.returncode == 0, result.stderr
    assert "envcrime.E00" not in result.stderr


@pytest.mark.parametrize(
    ("site_url", "allowed_hosts", "error"),
    [
        ("http://portal.example.org", "portal.example.org", "envcrime.E001"),
        ("https://elsewhere.example.org", "portal.example.org", "envcrime.E002"),
        ("https://portal.example.org:8443", "other.example.org", "envcrime.E002"),
    ],
)
def test_a_bad_site_url_refuses_to_start(production_env, site_url, allowed_hosts, error):  # noqa: F811
    production_env.update(SITE_URL=site_url, ALLOWED_HOSTS=allowed_hosts)
    for command in (["check"], ["migrate", "--check"]):
        result = manage(production_env, *command)
        assert result.returncode != 0
        assert error in result.stderr


def test_a_wildcard_subdomain_in_allowed_hosts_covers_the_site_url(production_env):  # noqa: F811
    production_env.update(SITE_URL="https://portal.example.org", ALLOWED_HOSTS=".example.org")
    assert manage(production_env, "check").returncode == 0


def test_the_local_stack_without_tls_may_use_http_on_a_loopback_host(production_env):  # noqa: F811
    production_env.update(SITE_URL="http://localhost:8000", ALLOWED_HOSTS="localhost,127.0.0.1")
    assert manage(production_env, "check").returncode == 0


def test_debug_lets_a_local_http_site_url_through(production_env):  # noqa: F811
    production_env.update(DEBUG="true", SITE_URL="http://127.0.0.1:8000", ALLOWED_HOSTS="")
    assert manage(production_env, "check").returncode == 0


@pytest.mark.parametrize(
    ("site_url", "address"),
    [
        ("http://127.0.0.1:8000", "127.0.0.1:8000"),
        ("http://localhost:8123", "localhost:8123"),
        ("https://portal.example.org", "portal.example.org:443"),
        ("http://[::1]:9000", "[::1]:9000"),
    ],
)
def test_make_run_serves_at_the_address_site_url_names(site_url, address):
    assert runserver_address(site_url) == address
