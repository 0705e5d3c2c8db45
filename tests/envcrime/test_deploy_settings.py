"""Production settings, checked the way an operator starts the portal: a separate process with
production environment variables."""

import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from tests.conftest import PROJECT_DIR, _database_url

pytestmark = pytest.mark.django_db

# Variables of the developer's shell that would change what is being checked.
PORTAL_VARIABLES = (
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "SITE_URL",
    "SECURE_SSL_REDIRECT",
    "TRUST_X_FORWARDED_PROTO",
    "SECURE_HSTS_SECONDS",
    "REQUIRE_STAFF_MFA",
    "EMAIL_URL",
)


@pytest.fixture
def production_env():
    env = {key: value for key, value in os.environ.items() if key not in PORTAL_VARIABLES}
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="portal.example.org",
        SITE_URL="https://portal.example.org",
        DATABASE_URL=_database_url(),
        REDIS_URL=settings.REDIS_URL,
        CACHE_URL=settings.CACHE_URL,
        PYTHONUNBUFFERED="1",
    )
    return env


def manage(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_no_issues_in_production(production_env):
    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stderr + result.stdout


def test_check_deploy_behind_a_tls_proxy_that_redirects_itself(production_env):
    production_env.update(SECURE_SSL_REDIRECT="false", TRUST_X_FORWARDED_PROTO="true")

    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_check_deploy_warns_when_ssl_redirect_is_off_without_a_proxy(production_env):
    """Switching the redirect off is only quiet when a proxy is declared to handle https."""
    production_env.update(SECURE_SSL_REDIRECT="false")

    result = manage(production_env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [None, "", "django-insecure-development-key-never-use-in-production", "django-insecure-anything-else"],
)
def test_production_refuses_to_start_with_the_development_key(production_env, secret_key):
    if secret_key is None:
        del production_env["SECRET_KEY"]
    else:
        production_env["SECRET_KEY"] = secret_key

    result = manage(production_env, "check")

    assert result.returncode != 0
    assert "DEBUG is false but SECRET_KEY is the development key" in result.stderr


def test_production_settings_values(production_env):
    """What check --deploy does not look at, or only partly."""
    script = (
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS >= 31536000,"
        " s.SECURE_SSL_REDIRECT, s.ENVCRIME_REQUIRE_STAFF_MFA, s.DEBUG,"
        " s.STORAGES['staticfiles']['BACKEND'].startswith('whitenoise'))"
    )
    result = manage(production_env, "shell", "-c", script)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True True True True True False True"


def test_staff_mfa_can_be_switched_on_in_development(production_env):
    production_env.update(DEBUG="true", REQUIRE_STAFF_MFA="true")
    production_env.pop("SECRET_KEY")

    result = manage(
        production_env, "shell", "-c", "from django.conf import settings; print(settings.ENVCRIME_REQUIRE_STAFF_MFA)"
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "True"


def test_env_example_documents_every_variable_the_settings_read():
    settings_source = (PROJECT_DIR / "envcrime" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', settings_source))
    documented = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", (PROJECT_DIR / ".env.example").read_text(), re.M))

    assert read, "the pattern finds the settings' variables"
    assert read - documented == set()
