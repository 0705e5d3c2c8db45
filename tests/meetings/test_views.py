import datetime

import pytest
from allauth.account.models import EmailAddress
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from icalendar import Calendar

from envcrime.caching import forget_cached_pages
from meetings import services
from meetings.models import Registration, Visit
from tests.factories import (
    AgendaItemFactory,
    DelegateFactory,
    OrganisationFactory,
    RegistrationFactory,
    StaffFactory,
    UserFactory,
    VisitFactory,
)

from .factories import form_data, kenya_liaison

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def delegate_client(client):
    user = DelegateFactory()
    client.force_login(user)
    client.user = user
    return client


def register_url(visit):
    return reverse("meetings:register", kwargs={"slug": visit.slug})


def test_visit_pages_show_agenda_by_day_and_seats(client, django_assert_num_queries):
    visit = VisitFactory(capacity=3)
    AgendaItemFactory(visit=visit, title="Tour of the Command and Coordination Centre")
    AgendaItemFactory(visit=visit, date=visit.end_date, title="Closing session")
    RegistrationFactory(visit=visit)
    with django_assert_num_queries(2):  # the visit with its seat counts, its agenda
        response = client.get(visit.get_absolute_url())
    page = response.content.decode()
    assert "Tour of the Command and Coordination Centre" in page and "Day 2" not in page and "Day 4" in page
    assert 'id="seats-left">2<' in page
    assert "Sign in to register" in page
    listing = client.get(reverse("meetings:visit_list")).content.decode()
    assert visit.title in listing and "2 of 3 seats left" in listing


def test_lists_do_not_grow_queries_with_rows(client, django_assert_num_queries):
    for _ in range(3):
        RegistrationFactory(visit=VisitFactory())
    held = VisitFactory(
        status=Visit.Status.HELD,
        start_date=datetime.date(2013, 5, 13),
        end_date=datetime.date(2013, 5, 16),
        registration_opens_at=timezone.now() - datetime.timedelta(days=5000),
        registration_closes_at=timezone.now() - datetime.timedelta(days=4000),
        summary="Obstacles and recommendations",
    )
    with django_assert_num_queries(1):
        client.get(reverse("meetings:visit_list"))
    with django_assert_num_queries(1):
        response = client.get(reverse("meetings:past_visits"))
    assert "Obstacles and recommendations" in response.content.decode() and held.title in response.content.decode()


def test_draft_and_unknown_visits_are_404(client):
    draft = VisitFactory(status=Visit.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get("/visits/no-such-visit/").status_code == 404


def test_register_requires_sign_in(client):
    visit = VisitFactory()
    response = client.get(register_url(visit))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_register_requires_a_verified_email(client):
    user = UserFactory(verified_email=False)
    client.force_login(user)
    response = client.post(register_url(VisitFactory()), form_data(VisitFactory()))
    assert response.status_code == 302 and not Registration.objects.exists()


def test_register_awaits_endorsement_and_takes_the_language_of_the_request(delegate_client):
    visit = VisitFactory()
    kenya_liaison()
    response = delegate_client.post(register_url(visit), form_data(visit), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302 and response["Location"] == reverse("meetings:my_registrations")
    registration = Registration.objects.get()
    assert (registration.status, registration.delegate, registration.language) == (
        Status.NOMINATED,
        delegate_client.user,
        "fr",
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"member_country": "999999"}, "Select a valid choice"),
        ({"member_country": "not-a-number"}, "Select a valid choice"),
        ({"organisation": "999999", "member_country": ""}, "Select a valid choice"),
        ({"member_country": ""}, "Choose the member country or the organisation you represent"),
        ({"organisation": "ORG"}, "not both"),
        ({"arrival_date": "2001-01-01"}, "Arrival must be between"),
        ({"departure_date": "AFTER"}, "Departure must be between"),
        ({"arrival_date": "LAST", "departure_date": "FIRST"}, "Departure cannot be before arrival"),
        ({"departure_date": "yesterday-ish"}, "Enter a valid date"),
        ({"needs_visa_letter": "on"}, "Tell us your nationality"),
        ({"job_title": ""}, "This field is required"),
    ],
)
def test_bad_input_shows_a_message_and_saves_nothing(delegate_client, overrides, message):
    visit = VisitFactory()
    replacements = {
        "ORG": str(OrganisationFactory().pk),
        "AFTER": (visit.end_date + datetime.timedelta(days=30)).isoformat(),
        "LAST": visit.end_date.isoformat(),
        "FIRST": visit.start_date.isoformat(),
    }
    data = form_data(visit, **{key: replacements.get(value, value) for key, value in overrides.items()})
    response = delegate_client.post(register_url(visit), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Registration.objects.exists()


def test_closed_visit_and_duplicate_give_a_message_not_a_500(delegate_client):
    closed = VisitFactory(registration_closes_at=timezone.now() - datetime.timedelta(hours=1))
    response = delegate_client.post(register_url(closed), form_data(closed), follow=True)
    assert "Registration for this visit is closed." in response.content.decode()
    visit = VisitFactory()
    RegistrationFactory(visit=visit, delegate=delegate_client.user)
    response = delegate_client.post(register_url(visit), form_data(visit), follow=True)
    assert "You are already registered for this visit." in response.content.decode()
    assert Registration.objects.count() == 1


def test_full_visit_waitlists_with_position_once_endorsed(delegate_client):
    visit = VisitFactory(capacity=1)
    RegistrationFactory(visit=visit)
    response = delegate_client.post(register_url(visit), form_data(visit, agency="Kenya Wildlife Service"), follow=True)
    assert "Programme staff will review it" in response.content.decode()
    registration = Registration.objects.get(delegate=delegate_client.user)
    assert (registration.status, registration.agency) == (Status.PENDING, "Kenya Wildlife Service")
    services.registrations_waitlist(registration_ids=[registration.pk], by=StaffFactory())
    page = delegate_client.get(reverse("meetings:my_registrations")).content.decode()
    assert "number 1 on the waiting list" in page


def test_my_registrations_and_cancel_with_confirmation(delegate_client):
    visit = VisitFactory()
    AgendaItemFactory(visit=visit, title="Opening")
    registration = RegistrationFactory(visit=visit, delegate=delegate_client.user)
    page = delegate_client.get(reverse("meetings:my_registrations")).content.decode()
    assert visit.title in page and "Opening" in page and "Confirmed" in page
    cancel_url = reverse("meetings:registration_cancel", kwargs={"pk": registration.pk})
    assert "Yes, cancel my registration" in delegate_client.get(cancel_url).content.decode()
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED  # GET changes nothing
    delegate_client.post(cancel_url)
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED


def test_my_registrations_query_count_does_not_grow(delegate_client):
    statuses = iter([Status.CONFIRMED, Status.WAITLISTED, Status.NOMINATED, Status.WAITLISTED, Status.NOMINATED])

    def add_registration():
        visit = VisitFactory()
        AgendaItemFactory(visit=visit)
        AgendaItemFactory(visit=visit, date=visit.end_date)
        status = next(statuses)
        if status == Status.WAITLISTED:
            # Two others wait ahead: the page must say "number 3" without a query per row.
            for minutes in (30, 20):
                RegistrationFactory(
                    visit=visit,
                    status=status,
                    confirmed_at=None,
                    waitlisted_at=timezone.now() - datetime.timedelta(minutes=minutes),
                )
        RegistrationFactory(
            visit=visit,
            delegate=delegate_client.user,
            status=status,
            confirmed_at=timezone.now() if status == Status.CONFIRMED else None,
            waitlisted_at=timezone.now() if status == Status.WAITLISTED else None,
        )

    def queries() -> int:
        forget_cached_pages()  # the page rendered, not served from the page cache
        with CaptureQueriesContext(connection) as captured:
            assert delegate_client.get(reverse("meetings:my_registrations")).status_code == 200
        return len(captured)

    add_registration()
    delegate_client.get(reverse("meetings:my_registrations"))  # the first request records the user session
    with_one = queries()
    for _ in range(4):
        add_registration()
    assert queries() == with_one
    page = delegate_client.get(reverse("meetings:my_registrations")).content.decode()
    assert page.count("You are number 3 on the waiting list") == 2
    assert page.count("Awaiting endorsement by Kenya") == 2


def test_other_peoples_registrations_and_letters_are_404(delegate_client):
    other = RegistrationFactory(needs_visa_letter=True, nationality="Kenyan")
    for name in ("registration_cancel", "visa_letter"):
        url = reverse(f"meetings:{name}", kwargs={"pk": other.pk})
        assert delegate_client.get(url).status_code == 404
        assert delegate_client.post(url).status_code in (404, 405)
    other.refresh_from_db()
    assert other.status == Status.CONFIRMED


def test_an_id_too_long_for_the_database_matches_no_url(delegate_client):
    # An unbounded <int:pk> let a 25-digit id reach the query, where SQLite overflows (a 500).
    huge = "9" * 25
    paths = [
        reverse("meetings:registration_cancel", kwargs={"pk": 1}),
        reverse("meetings:visa_letter", kwargs={"pk": 1}),
    ]
    for path in [p.replace("/1/", f"/{huge}/") for p in paths]:
        with pytest.raises(Resolver404):
            resolve(path)
        assert delegate_client.get(path).status_code == 404
    check_in = reverse("admin:meetings_visit_check_in", args=[1, "2030-01-01"]).replace("/1/", f"/{huge}/")
    assert resolve(check_in).url_name != "meetings_visit_check_in"


def test_letter_only_for_confirmed_registrations_that_asked_for_it(delegate_client):
    no_letter = RegistrationFactory(delegate=delegate_client.user)
    assert delegate_client.get(reverse("meetings:visa_letter", kwargs={"pk": no_letter.pk})).status_code == 404
    waiting = RegistrationFactory(
        delegate=delegate_client.user,
        status=Status.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=timezone.now(),
        needs_visa_letter=True,
        nationality="Kenyan",
    )
    assert delegate_client.get(reverse("meetings:visa_letter", kwargs={"pk": waiting.pk})).status_code == 404


def test_letter_is_a_pdf_download(delegate_client):
    registration = RegistrationFactory(
        delegate=delegate_client.user, needs_visa_letter=True, nationality="Kenyan", passport_number="AK1234567"
    )
    response = delegate_client.get(reverse("meetings:visa_letter", kwargs={"pk": registration.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    assert response["Content-Disposition"] == (
        f'attachment; filename="invitation-letter-{registration.visit.slug}-{registration.pk}.pdf"'
    )
    assert response["Cache-Control"] == "no-store"


def test_calendar_has_all_day_visit_and_timed_agenda_items(client):
    visit = VisitFactory()
    item = AgendaItemFactory(visit=visit, start_time=datetime.time(9, 30), end_time=datetime.time(11, 0))
    response = client.get(reverse("meetings:visit_calendar", kwargs={"slug": visit.slug}))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert len(events) == 2
    whole, timed = events
    assert whole.decoded("dtstart") == visit.start_date
    assert whole.decoded("dtend") == visit.end_date + datetime.timedelta(days=1)
    start = timed.decoded("dtstart")
    assert (start.hour, start.minute, str(start.tzinfo)) == (9, 30, "Europe/Paris")
    assert timed["dtstart"].params["TZID"] == "Europe/Paris"
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Paris"
    assert str(timed["uid"]).startswith(f"visit-{visit.pk}-item-{item.pk}@")
    again = Calendar.from_ical(client.get(reverse("meetings:visit_calendar", kwargs={"slug": visit.slug})).content)
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(e["uid"]) for e in events]


def test_participant_list_shows_only_consenting_confirmed_delegates(delegate_client):
    visit = VisitFactory()
    RegistrationFactory(visit=visit, full_name="Listed Person", consent_to_participant_list=True)
    RegistrationFactory(visit=visit, full_name="Private Person", consent_to_participant_list=False)
    RegistrationFactory(
        visit=visit,
        full_name="Waiting Person",
        consent_to_participant_list=True,
        status=Status.WAITLISTED,
        confirmed_at=None,
        waitlisted_at=timezone.now(),
    )
    url = reverse("meetings:participants", kwargs={"slug": visit.slug})
    assert Client().get(url).status_code == 302  # signed-in users only
    assert delegate_client.get(url).status_code == 404  # and only the visit's confirmed participants
    RegistrationFactory(visit=visit, delegate=delegate_client.user, full_name="Me Myself")
    page = delegate_client.get(url).content.decode()
    assert "Listed Person" in page and "Kenya" in page
    assert "Private Person" not in page and "Waiting Person" not in page


def test_a_visit_that_is_over_offers_no_cancellation_and_no_letter(delegate_client):
    held = VisitFactory(
        status=Visit.Status.HELD,
        start_date=datetime.date(2013, 5, 13),
        end_date=datetime.date(2013, 5, 16),
        registration_opens_at=timezone.now() - datetime.timedelta(days=5000),
        registration_closes_at=timezone.now() - datetime.timedelta(days=4000),
    )
    registration = RegistrationFactory(
        visit=held, delegate=delegate_client.user, needs_visa_letter=True, nationality="Kenyan"
    )
    page = delegate_client.get(reverse("meetings:my_registrations")).content.decode()
    assert "You took part in this visit." in page
    assert "Cancel my registration" not in page and "invitation letter" not in page
    assert delegate_client.get(reverse("meetings:visa_letter", kwargs={"pk": registration.pk})).status_code == 404
    delegate_client.post(reverse("meetings:registration_cancel", kwargs={"pk": registration.pk}))
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED


def test_my_registrations_pins_queries_with_several_waitlisted(delegate_client, django_assert_num_queries):
    for minutes in range(5):
        visit = VisitFactory()
        AgendaItemFactory(visit=visit)
        RegistrationFactory(
            visit=visit,
            status=Status.WAITLISTED,
            confirmed_at=None,
            waitlisted_at=timezone.now() - datetime.timedelta(hours=1),
        )
        RegistrationFactory(
            visit=visit,
            delegate=delegate_client.user,
            status=Status.WAITLISTED,
            confirmed_at=None,
            waitlisted_at=timezone.now() - datetime.timedelta(minutes=minutes),
        )
    delegate_client.get(reverse("meetings:my_registrations"))  # the first request records the user session
    forget_cached_pages()  # rendered again, not served from the page cache
    # user (with its contact: the navigation's liaison check), the registrations with their waiting-list
    # positions, their agendas: none per waitlisted row (the session is read from the cache).
    with django_assert_num_queries(3):
        page = delegate_client.get(reverse("meetings:my_registrations")).content.decode()
    assert page.count("You are number 2 on the waiting list") == 5
    # Served from the cache: the user (with its contact) only.
    with django_assert_num_queries(1):
        assert delegate_client.get(reverse("meetings:my_registrations")).content.decode().count("number 2") == 5


def test_an_unverified_delegate_is_sent_to_verify_their_address(delegate_client):
    visit = VisitFactory()
    EmailAddress.objects.filter(user=delegate_client.user).update(verified=False)
    for response in (
        delegate_client.get(register_url(visit), follow=True),
        delegate_client.post(register_url(visit), form_data(visit), follow=True),
    ):
        assert response.redirect_chain[-1][0] == reverse("account_email")
        assert "Please verify your email address before registering." in response.content.decode()
    assert not Registration.objects.exists()


@pytest.fixture(autouse=True)
def _account_row_loaded_per_request(settings):
    """The pinned counts include loading the signed-in account (what its first request pays; envcrime.auth
    caches the row after: tests/test_account_cache.py)."""
    settings.AUTH_USER_CACHE_SECONDS = 0
