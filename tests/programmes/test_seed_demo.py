from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max

from programmes import demo
from programmes.models import Contact, Language, MemberCountry, Organisation, Programme
from programmes.roles import LIAISON, PROGRAMME_STAFF
from tests.factories import ContactFactory, member_country


def run_seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model in apps.get_models(include_auto_created=True)}


def last_changes() -> dict[str, object]:
    return {
        model._meta.label: model._default_manager.aggregate(last=Max("updated_at"))["last"]
        for model in apps.get_models()
        if any(field.name == "updated_at" for field in model._meta.fields)
    }


@pytest.mark.django_db
def test_seed_demo_is_idempotent():
    first_output = run_seed_demo()
    counts, changes = row_counts(), last_changes()
    second_output = run_seed_demo()
    assert row_counts() == counts
    assert last_changes() == changes
    assert "Demo data ready: 0 rows created" in second_output
    assert "Demo data ready: 0 rows created" not in first_output
    for output in (first_output, second_output):
        assert "http://127.0.0.1:8000/" in output
        assert "staff@example.org" in output and "ncb.ke@example.org" in output and "ncb.np@example.org" in output
        assert demo.DEMO_PASSWORD in output


@pytest.mark.django_db
def test_seed_demo_creates_one_liaison_with_an_account_per_member_country():
    run_seed_demo()
    liaisons = Contact.objects.filter(member_country__isnull=False, is_primary=True, is_active=True)
    assert liaisons.count() == 190 == MemberCountry.objects.active().count()
    assert not liaisons.filter(user__isnull=True).exists()
    assert set(liaisons.values_list("email", flat=True)) == set(liaisons.values_list("user__email", flat=True))
    assert get_user_model().objects.filter(groups__name=LIAISON, contact__in=liaisons).count() == 190
    assert EmailAddress.objects.filter(user__contact__in=liaisons, verified=True, primary=True).count() == 190

    kenya = liaisons.get(member_country__iso2="KE")
    assert kenya.email == "ncb.ke@example.org" and kenya.name == "Liaison officer, NCB Kenya"
    assert kenya.user.username == "ncb.ke@example.org" and kenya.user.check_password(demo.DEMO_PASSWORD)
    languages = dict(liaisons.values_list("member_country__iso2", "preferred_language"))
    assert (languages["KE"], languages["SN"], languages["MX"], languages["EG"]) == (
        Language.ENGLISH,
        Language.FRENCH,
        Language.SPANISH,
        Language.ARABIC,
    )


@pytest.mark.django_db
def test_seed_demo_creates_the_programme_organisations_and_staff_account():
    run_seed_demo()
    programme = Programme.objects.get()
    assert programme.name == "Environmental Crime Programme" and "190 member countries" in programme.description
    assert sorted(programme.crime_areas.values_list("kind", flat=True)) == [
        "fisheries",
        "forestry",
        "pollution",
        "wildlife",
    ]
    assert all(programme.crime_areas.values_list("description", flat=True))

    latf = Organisation.objects.get(short_name="LATF")
    assert latf.kind == Organisation.Kind.REGIONAL_NETWORK
    assert sorted(latf.member_countries.values_list("iso2", flat=True)) == sorted(
        ["CG", "KE", "LS", "LR", "TZ", "UG", "ZM"]
    )
    assert Organisation.objects.get(short_name="ASEAN-WEN").member_countries.count() == 10
    iccwc = Organisation.objects.get(short_name="ICCWC")
    assert sorted(iccwc.partners.values_list("short_name", flat=True)) == [
        "CITES",
        "INTERPOL",
        "UNODC",
        "WCO",
        "World Bank",
    ]
    assert set(iccwc.partners.values_list("kind", flat=True)) == {Organisation.Kind.INTERNATIONAL_ORGANISATION}
    assert set(Organisation.objects.filter(kind="ngo").values_list("short_name", flat=True)) == {"Freeland", "IFAW"}
    assert not Organisation.objects.filter(contacts__isnull=True).exists()

    staff = get_user_model().objects.get(username="staff@example.org")
    assert staff.is_staff and staff.is_superuser and staff.check_password(demo.DEMO_PASSWORD)
    assert list(staff.groups.values_list("name", flat=True)) == [PROGRAMME_STAFF]
    assert EmailAddress.objects.get(user=staff).verified


@pytest.mark.django_db
def test_seed_demo_respects_a_primary_contact_entered_by_staff():
    existing = ContactFactory(member_country=member_country("KE"), is_primary=True, email="real.ncb@example.org")
    run_seed_demo()
    assert list(Contact.objects.filter(member_country__iso2="KE", is_primary=True)) == [existing]
    assert Contact.objects.filter(member_country__isnull=False, is_primary=True).count() == 190


@pytest.mark.django_db
def test_ensure_demo_user_is_reusable_and_idempotent():
    user, created = demo.ensure_demo_user("delegate@example.org", first_name="Demo", last_name="Delegate", groups=[])
    again, created_again = demo.ensure_demo_user(
        "delegate@example.org", first_name="Other", last_name="Name", groups=[LIAISON]
    )
    assert created and not created_again and again == user
    assert again.first_name == "Demo" and list(again.groups.values_list("name", flat=True)) == [LIAISON]
    assert EmailAddress.objects.filter(user=user, verified=True).count() == 1
