"""Issue 7: who may speak for a country — nominations, endorsement, letters, participant lists."""

import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from meetings import services
from meetings.models import Registration, RegistrationStatusChange
from tests.factories import (
    ContactFactory,
    DelegateFactory,
    OrganisationFactory,
    RegistrationFactory,
    StaffFactory,
    UserFactory,
    VisitFactory,
    make_liaison,
)

from .factories import registration_data

pytestmark = pytest.mark.django_db
Status = Registration.Status


def nominate(visit, user=None, **overrides):
    return services.registration_submit(
        visit=visit, user=user or DelegateFactory(), data=registration_data(visit, **overrides)
    )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def kenya():
    user, contact = make_liaison("KE")
    contact.preferred_language = "fr"
    contact.save(update_fields=["preferred_language"])
    return user


# --- services


def test_nomination_asks_the_liaison_in_their_language_and_holds_no_seat(kenya, django_capture_on_commit_callbacks):
    visit = VisitFactory(capacity=1)
    with django_capture_on_commit_callbacks(execute=True):
        registration = nominate(visit, language="en")
    assert (registration.status, registration.confirmed_at, registration.may_download_visa_letter) == (
        Status.NOMINATED,
        None,
        False,
    )
    to_liaison = next(m for m in mail.outbox if m.to == [kenya.email])
    assert reverse("meetings:nominations") in to_liaison.body and "Grace Wanjiru" in to_liaison.body
    to_delegate = next(m for m in mail.outbox if m.to == [registration.delegate.email])
    assert to_delegate.subject.startswith("Your nomination") and "Kenya" in to_delegate.body
    assert visit.capacity - services.confirmed_count(visit) == 1


@pytest.mark.parametrize(
    ("requires_approval", "capacity", "expected"),
    [(False, 1, Status.CONFIRMED), (False, 0, Status.WAITLISTED), (True, 1, Status.PENDING)],
)
def test_endorsement_follows_the_visit_rule(kenya, requires_approval, capacity, expected):
    visit = VisitFactory(capacity=max(capacity, 1), requires_approval=requires_approval)
    if capacity == 0:
        RegistrationFactory(visit=visit)
    registration = services.registration_endorse(registration=nominate(visit), by=kenya)
    assert registration.status == expected
    assert (registration.endorsed_by, registration.endorsed_by_staff) == (kenya, False)
    last = registration.status_changes.last()
    assert (last.from_status, last.to_status, last.changed_by) == (Status.NOMINATED, expected, kenya)


def test_rejection_declines_with_the_reason_for_the_delegate(kenya, django_capture_on_commit_callbacks):
    visit = VisitFactory()
    registration = nominate(visit)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_reject_nomination(registration=registration, by=kenya, reason="Not our officer.")
    registration.refresh_from_db()
    assert registration.status == Status.DECLINED
    change = registration.status_changes.last()
    assert (change.changed_by, change.note) == (kenya, "Not our officer.")
    (message,) = mail.outbox
    assert message.to == [registration.delegate.email] and "Not our officer." in message.body
    page = logged_in(registration.delegate).get(reverse("meetings:my_registrations")).content.decode()
    assert "Not our officer." in page
    with pytest.raises(services.RegistrationError):
        services.registration_reject_nomination(registration=nominate(visit), by=kenya, reason="  ")


def test_staff_endorsement_is_recorded_as_on_the_country_s_behalf(kenya):
    staff = StaffFactory()
    registration = services.registration_endorse(registration=nominate(VisitFactory()), by=staff)
    assert (registration.status, registration.endorsed_by, registration.endorsed_by_staff) == (
        Status.CONFIRMED,
        staff,
        True,
    )
    assert "on behalf of Kenya" in registration.status_changes.last().note


def test_without_a_liaison_account_staff_approve_instead():
    registration = nominate(VisitFactory())
    assert registration.status == Status.PENDING
    assert "no liaison with an account" in registration.status_changes.get().note


def test_a_liaison_cannot_endorse_themselves(kenya):
    visit = VisitFactory()
    own = nominate(visit, user=kenya)
    assert own.status == Status.PENDING  # staff decide instead
    other_liaison, _contact = make_liaison("NP")
    nepal = nominate(visit, member_country=other_liaison.contact.member_country)
    nepal.delegate = kenya  # even if the row somehow names them
    with pytest.raises(Registration.DoesNotExist):
        services.registration_endorse(registration=nepal, by=kenya)


def test_cancelled_while_nominated_cannot_be_endorsed(kenya):
    registration = nominate(VisitFactory())
    services.registration_cancel(registration=registration, by=registration.delegate)
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    with pytest.raises(services.InvalidTransition, match="already handled"):
        services.registration_endorse(registration=registration, by=kenya)


def test_a_fresh_account_gets_no_seat_no_letter_no_participant_list(kenya):
    visit = VisitFactory()
    RegistrationFactory(visit=visit, full_name="Listed Person", consent_to_participant_list=True)
    registration = nominate(visit, needs_visa_letter=True, nationality="Kenyan")
    client = logged_in(registration.delegate)
    assert registration.status == Status.NOMINATED
    assert client.get(reverse("meetings:visa_letter", kwargs={"pk": registration.pk})).status_code == 404
    assert client.get(reverse("meetings:participants", kwargs={"slug": visit.slug})).status_code == 404
    page = client.get(reverse("meetings:my_registrations")).content.decode()
    assert "Awaiting endorsement by Kenya" in page and ".ics" not in page.split("registration-status")[0]


def test_the_seat_invariant_is_in_the_database():
    registration = RegistrationFactory(status=Status.NOMINATED, confirmed_at=None)
    registration.status = Status.CONFIRMED
    registration.confirmed_at = registration.submitted_at
    with pytest.raises(Exception, match="registration_seat_needs_vetting"):
        registration.save()


# --- pages and access


def test_nominations_page_endorse_and_reject(kenya):
    visit = VisitFactory()
    first, second = nominate(visit), nominate(visit)
    client = logged_in(kenya)
    client.cookies["django_language"] = "en"  # read in English on this browser (their contact's is French)
    page = client.get(reverse("meetings:nominations")).content.decode()
    assert page.count("Awaiting endorsement") >= 2
    endorse = reverse("meetings:nomination_endorse", kwargs={"pk": first.pk})
    assert client.get(endorse).status_code == 405
    response = client.post(endorse, follow=True)
    assert "now confirmed" in response.content.decode()
    again = client.post(endorse, follow=True).content.decode()
    assert "already handled" in again
    reject = reverse("meetings:nomination_reject", kwargs={"pk": second.pk})
    assert "Say why" in client.post(reject, {"reason": ""}, follow=True).content.decode()
    client.post(reject, {"reason": "Unknown to the NCB"})
    statuses = dict(Registration.objects.values_list("pk", "status"))
    assert (statuses[first.pk], statuses[second.pk]) == (Status.CONFIRMED, Status.DECLINED)


def test_nomination_pages_are_404_for_everybody_else(kenya):
    registration = nominate(VisitFactory())
    nepal, _contact = make_liaison("NP")
    urls = [
        reverse("meetings:nomination_endorse", kwargs={"pk": registration.pk}),
        reverse("meetings:nomination_reject", kwargs={"pk": registration.pk}),
    ]
    for user in (nepal, DelegateFactory(), registration.delegate):
        client = logged_in(user)
        for url in urls:
            assert client.post(url, {"reason": "x"}).status_code == 404
    assert logged_in(DelegateFactory()).get(reverse("meetings:nominations")).status_code == 404
    assert "Grace" not in logged_in(nepal).get(reverse("meetings:nominations")).content.decode()
    anonymous = Client()
    assert anonymous.get(reverse("meetings:nominations")).status_code == 302
    assert anonymous.post(urls[0]).status_code == 302
    registration.refresh_from_db()
    assert registration.status == Status.NOMINATED


def test_participant_list_for_staff_liaisons_and_confirmed_participants_only(kenya):
    visit = VisitFactory()
    participant = RegistrationFactory(visit=visit, consent_to_participant_list=True, full_name="Listed Person")
    url = reverse("meetings:participants", kwargs={"slug": visit.slug})
    for user in (StaffFactory(), kenya, participant.delegate):
        assert "Listed Person" in logged_in(user).get(url).content.decode()
    assert logged_in(DelegateFactory()).get(url).status_code == 404
    detail = logged_in(DelegateFactory()).get(visit.get_absolute_url()).content.decode()
    assert url not in detail


# --- letters


def test_letter_has_reference_signatory_and_verification_url_and_can_be_verified(kenya, settings):
    settings.VISA_LETTER_SIGNATORY_NAME = "Jane Signatory"
    settings.VISA_LETTER_SIGNATORY_TITLE = "Director of Programmes"
    visit = VisitFactory()
    registration = nominate(visit, needs_visa_letter=True, nationality="Kenyan", passport_number="AB123456")
    registration = services.registration_endorse(registration=registration, by=kenya)
    client = logged_in(registration.delegate)
    response = client.get(reverse("meetings:visa_letter", kwargs={"pk": registration.pk}))
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    verify_url = reverse("meetings:letter_verify", kwargs={"reference": registration.letter_reference})
    assert len(registration.letter_reference) >= 20
    flat = text.replace("\n", "")
    assert registration.letter_reference in flat and "Jane Signatory" in text and "Director of Programmes" in text
    assert settings.SITE_URL + verify_url in flat

    page = Client().get(verify_url)
    content = page.content.decode()
    assert page.status_code == 200 and "genuine and valid" in content
    assert registration.full_name in content and visit.title in content
    for private in ("AB123456", "Kenyan", registration.delegate.email):
        assert private not in content

    services.registration_cancel(registration=registration, by=registration.delegate)
    assert "no longer valid" in Client().get(verify_url).content.decode()


def test_unknown_letter_reference_is_a_clear_404():
    response = Client().get(reverse("meetings:letter_verify", kwargs={"reference": "not-a-reference"}))
    assert response.status_code == 404 and "There is no invitation letter" in response.content.decode()


def test_status_history_records_every_step(kenya):
    registration = services.registration_endorse(registration=nominate(VisitFactory()), by=kenya)
    steps = list(RegistrationStatusChange.objects.filter(registration=registration).values_list("to_status", flat=True))
    assert steps == [Status.NOMINATED, Status.CONFIRMED]


def test_an_organisation_s_primary_contact_endorses_its_nominations_on_their_page():
    # An organisation's contact is no country liaison (no directory, no packages), yet it speaks
    # for its organisation's nominations: without this a nomination for an NGO would wait forever.
    organisation = OrganisationFactory(short_name="IFAW-T")
    speaker = UserFactory()
    ContactFactory(organisation=organisation, member_country=None, user=speaker, is_primary=True)
    registration = nominate(VisitFactory(), member_country=None, organisation=organisation)
    assert registration.status == Status.NOMINATED

    client = logged_in(speaker)
    assert "Grace Wanjiru" in client.get(reverse("meetings:nominations")).content.decode()
    client.post(reverse("meetings:nomination_endorse", kwargs={"pk": registration.pk}))
    registration.refresh_from_db()
    assert (registration.status, registration.endorsed_by, registration.endorsed_by_staff) == (
        Status.CONFIRMED,
        speaker,
        False,
    )


def test_the_navbar_offers_nominations_to_the_primary_liaison_only(kenya):
    link = f'href="{reverse("meetings:nominations")}"'
    assert link in logged_in(kenya).get(reverse("home")).content.decode()
    teammate, contact = make_liaison("SN")
    contact.is_primary = False
    contact.save(update_fields=["is_primary"])
    assert link not in logged_in(teammate).get(reverse("home")).content.decode()
