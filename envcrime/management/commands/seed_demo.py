"""Load the demo data of the three apps; safe to run again (it then creates and changes nothing).

A project-wide command, so it lives in the project package: `programmes` must not import the apps
that build on it (the project package depends on the apps, never the reverse)."""

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

import meetings.demo
import programmes.demo
import recommendations.demo
import recommendations.demo_followup


def count_rows() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models(include_auto_created=True)}


class Command(BaseCommand):
    help = "Create the demo programme, directory, visit and accounts (idempotent), then print the demo logins."

    # Order matters: visits need the directory, recommendations need the visits.
    demo_modules = (programmes.demo, meetings.demo, recommendations.demo, recommendations.demo_followup)

    def handle(self, *args, **options):
        before = count_rows()
        with transaction.atomic():
            for module in self.demo_modules:
                module.seed(stdout=self.stdout, style=self.style)
        after = count_rows()
        created = {label: after[label] - before[label] for label in after if after[label] != before[label]}
        self.print_summary(created)

    def print_summary(self, created: dict[str, int]) -> None:
        total = sum(created.values())
        if total:
            details = ", ".join(f"{label} {count:+d}" for label, count in sorted(created.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data ready: {total} rows created ({details})."))
        else:
            self.stdout.write(self.style.SUCCESS("Demo data ready: 0 rows created (everything was already there)."))

        # Each app may name accounts worth trying: (role, login, password).
        accounts = [account for module in self.demo_modules for account in getattr(module, "demo_accounts", list)()]
        width = max(len(login) for _role, login, _password in accounts)
        role_width = max(len(role) for role, _login, _password in accounts)
        self.stdout.write("")
        self.stdout.write(f"  Portal: {settings.SITE_URL}/   (administration: {settings.SITE_URL}/admin/)")
        self.stdout.write("")
        self.stdout.write(f"  {'Role':<{role_width}}  {'Login':<{width}}  Password")
        self.stdout.write(f"  {'-' * role_width}  {'-' * width}  {'-' * len(programmes.demo.DEMO_PASSWORD)}")
        for role, login, password in accounts:
            self.stdout.write(f"  {role:<{role_width}}  {login:<{width}}  {password}")
        self.stdout.write("")
