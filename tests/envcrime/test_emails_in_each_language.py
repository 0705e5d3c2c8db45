"""What the portal sends goes out in the recipient's language: a real Celery worker, Redis and aiosmtpd.

Each expected text is the catalog's translation of the English original, and must differ from it:
these tests fail while a catalog lacks the message (the English fallback is not a translation).
"""

import time as clock
from datetime import datetime, time, timedelta

import pytest
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from icalendar import Calendar

from meetings import services as meetings_services
from meetings.models import AgendaItem, Registration
from programmes.languages import user_language_set
from recommendations import services as recommendation_services
from recommendations.models import Delivery
from recommendations.services import reminders
from tests.factories import AgendaItemFactory, ContactFactory, DelegateFactory, VisitFactory, member_country
from tests.meetings.factories import form_data, kenya_liaison
from tests.recommendations.factories import published_package
from tests.recommendations.followup.factories import distributed_package, open_cycle, primary_contact

pytestmark = [
    pytest.mark.worker,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("migration_data"),
]

LANGUAGES = ("fr", "es", "ar")
COUNTRY_OF = {"fr": "SN", "es": "PE", "ar": "JO"}


def translated(language: str, message: str, **values) -> str:
    """The catalog's translation of `message` (a msgid), which must not be the English text."""
    with translation.override(language):
        text = gettext(message)
    assert text != message, f"no {language} translation of {message!r}"
    return text % values if values else text


def subject_of(message) -> str:
    # A long encoded subject may be folded right after "Subject:"; the unfolded value is what counts.
    return " ".join(message.subject.split())


def wait_for_mail(smtp_server, address: str, subject: str, timeout: float = 60.0):
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        found = [m for m in smtp_server.messages_to(address) if subject_of(m) == subject]
        if found:
            return found[-1]
        clock.sleep(0.05)
    raise AssertionError(f"no {subject!r} to {address}: {[subject_of(m) for m in smtp_server.messages_to(address)]}")


def assert_in_language(language: str, message) -> None:
    """The HTML part, if any, says its language and (Arabic) its direction."""
    html = message.html() if hasattr(message, "html") else None
    if html:
        assert f'lang="{language}"' in html
        assert ('dir="rtl"' in html) == (language == "ar")


def test_the_registration_confirmation_and_its_calendar_file_are_in_the_registrants_language(
    celery_worker, smtp_server, client
):
    celery_worker(concurrency=2)
    visit = VisitFactory(capacity=10, title="Lyon")
    AgendaItemFactory(visit=visit, title="CCC", kind=AgendaItem.Kind.PRESENTATION)
    liaison = kenya_liaison()
    for language in LANGUAGES:
        delegate = DelegateFactory(email=f"delegate-{language}@example.org")
        user_language_set(user=delegate, language=language)
        client.force_login(delegate)
        # The browser asks for English: the account's language wins, and the registration keeps it.
        response = client.post(
            reverse("meetings:register", kwargs={"slug": visit.slug}), form_data(visit), HTTP_ACCEPT_LANGUAGE="en"
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        registration = Registration.objects.get(visit=visit, delegate=delegate)
        assert registration.language == language
        meetings_services.registration_endorse(registration=registration, by=liaison)

    for language in LANGUAGES:
        subject = translated(language, "Your seat is confirmed: %(title)s", title="Lyon")
        message = wait_for_mail(smtp_server, f"delegate-{language}@example.org", subject)
        assert subject_of(message) == subject
        body = message.text()
        assert (
            translated(
                language,
                "Your seat at the visit below is confirmed. The attached calendar file holds the visit and its agenda.",
            )
            in body
        )
        assert_in_language(language, message)
        (attachment,) = message.attachments()
        calendar = Calendar.from_ical(attachment.get_payload(decode=True))
        summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
        assert summaries == ["Lyon", f"{translated(language, 'Presentation')}: CCC"]


def test_the_distribution_email_is_in_each_contacts_language(celery_worker, smtp_server):
    celery_worker(concurrency=2)
    package = published_package(title="Lyon recommendations")
    for language, iso2 in COUNTRY_OF.items():
        ContactFactory(
            member_country=member_country(iso2),
            is_primary=True,
            preferred_language=language,
            email=f"liaison-{language}@example.org",
        )

    recommendation_services.distribution_start(package=package)

    smtp_server.wait_for(len(COUNTRY_OF), timeout=60)
    for language in LANGUAGES:
        (message,) = smtp_server.messages_to(f"liaison-{language}@example.org")
        subject = translated(
            language,
            "Recommendations for your country: %(title)s (version %(version)s)",
            title="Lyon recommendations",
            version=package.version,
        )
        assert subject_of(message) == subject
        assert translated(language, "Open the package") in message.html()
        assert_in_language(language, message)
    assert Delivery.objects.filter(package=package, status=Delivery.Status.SENT).count() == len(COUNTRY_OF)


def test_a_follow_up_reminder_is_in_each_contacts_language(celery_worker, smtp_server):
    package = distributed_package(countries=tuple(COUNTRY_OF.values()))
    Delivery.objects.update(acknowledged_at=timezone.now())
    for language, iso2 in COUNTRY_OF.items():
        contact = primary_contact(iso2)
        contact.preferred_language = language
        contact.save(update_fields=["preferred_language"])
    cycle = open_cycle(package, due_in_days=20, opened_days_ago=30)
    celery_worker(concurrency=2)

    now = timezone.make_aware(datetime.combine(cycle.due_date - timedelta(days=14), time(12)))
    assert reminders.reminders_plan(now=now) == len(COUNTRY_OF)

    smtp_server.wait_for(len(COUNTRY_OF), timeout=60)
    for language, iso2 in COUNTRY_OF.items():
        (message,) = smtp_server.messages_to(primary_contact(iso2).email)
        with translation.override(language):
            due = date_filter(cycle.due_date, "DATE_FORMAT")
        assert subject_of(message) == translated(
            language, "Reminder: %(title)s is due on %(due)s", title=cycle.title, due=due
        )
        assert translated(language, "Open in the portal") in message.html()
        assert_in_language(language, message)
