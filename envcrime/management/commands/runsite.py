"""`runserver` at the address SITE_URL names: one setting, not a URL and a port to keep in step."""

import os
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV


def runserver_address(site_url: str) -> str:
    url = urlsplit(site_url)
    port = url.port or (443 if url.scheme == "https" else 80)
    host = f"[{url.hostname}]" if url.hostname and ":" in url.hostname else url.hostname
    return f"{host or '127.0.0.1'}:{port}"


class Command(BaseCommand):
    help = "Run the development server at the host and port of SITE_URL, and print that URL."

    def handle(self, *args, **options):
        address = runserver_address(settings.SITE_URL)
        # runserver's autoreloader runs this command again in a child process: say it once.
        if os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            self.stdout.write(f"\n  The portal is at {settings.SITE_URL}/  (admin: {settings.SITE_URL}/admin/)\n")
        call_command("runserver", address)
