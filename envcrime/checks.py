"""System checks run by every management command (runserver, migrate, check): bad settings refuse to start."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register
from django.http.request import validate_host

# The production-like stack of docker-compose.yml runs on a developer's own machine without TLS:
# links to a loopback address never cross a network, so plain http is accepted for them only.
LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "::1"}


@register()
def check_site_url(app_configs=None, **kwargs):
    """In production, SITE_URL (the links in every email) must be https and a host we serve.

    (Plain http is accepted for a loopback host only: see LOOPBACK_HOSTS.)

    An http link sends liaisons' personal tokens in clear; a host outside ALLOWED_HOSTS gives links
    that answer 400. Registered without the `deploy` tag on purpose: it must stop the server, not
    only be reported by `check --deploy`.
    """
    if settings.DEBUG:
        return []
    errors = []
    url = urlsplit(settings.SITE_URL)
    if url.scheme != "https" and not (url.scheme == "http" and url.hostname in LOOPBACK_HOSTS):
        errors.append(
            Error(
                f"SITE_URL must be an https address when DEBUG is false (it is {settings.SITE_URL!r}).",
                hint="Set SITE_URL to the public address of the portal, e.g. https://portal.example.org.",
                id="envcrime.E001",
            )
        )
    if not url.hostname or not validate_host(url.hostname, settings.ALLOWED_HOSTS):
        errors.append(
            Error(
                f"The host of SITE_URL ({url.hostname!r}) is not in ALLOWED_HOSTS {settings.ALLOWED_HOSTS!r}.",
                hint="Add it to ALLOWED_HOSTS, or correct SITE_URL.",
                id="envcrime.E002",
            )
        )
    return errors
