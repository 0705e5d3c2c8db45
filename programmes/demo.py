"""Demo data for `manage.py seed_demo`: the programme, its partners and one liaison per member country.

Facts come from the June 2013 article on the familiarization visit in Lyon and from
`programmes/data/organisations.csv`; people and addresses are invented (example.org).
Idempotent: every object is looked up by a natural key first, and nothing existing is modified.
"""

import csv
import re
from collections.abc import Iterable
from pathlib import Path

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group

from .models import Contact, CrimeArea, Language, MemberCountry, Organisation, Programme
from .roles import LIAISON, PROGRAMME_STAFF

DATA_DIR = Path(__file__).resolve().parent / "data"

# Shared by every demo account; printed by seed_demo. Never used outside a demo database.
DEMO_PASSWORD = "envcrime-demo-2013"
STAFF_EMAIL = "staff@example.org"
# Kenya and Nepal sent delegates to the 2013 visit: their liaisons are the examples we print.
EXAMPLE_LIAISON_COUNTRIES = ("KE", "NP")

PROGRAMME_NAME = "Environmental Crime Programme"
PROGRAMME_SLUG = "environmental-crime"
PROGRAMME_DESCRIPTION = (
    "INTERPOL's Environmental Crime Programme, run from the General Secretariat in Lyon, helps member "
    "countries and international partners work together against environmental crime. It brings the "
    "people responsible for environmental crime in their countries and organizations together with "
    "INTERPOL's global tools, services and operations — such as the I-24/7 secure police "
    "communications system and the 24-hour Command and Coordination Centre — and turns the obstacles "
    "they identify, like insufficient communication and frontline officers' lack of access to those "
    "tools, into recommendations shared with all 190 member countries."
)
# The programme's name and description in French, Spanish and Arabic (formal; tool and place names kept).
PROGRAMME_TRANSLATIONS = {
    "fr": (
        "Programme Criminalité environnementale",
        "Le Programme Criminalité environnementale d'INTERPOL, conduit depuis le Secrétariat général à Lyon, "
        "aide les pays membres et les partenaires internationaux à coopérer contre la criminalité "
        "environnementale. Il réunit les responsables de la lutte contre la criminalité environnementale de "
        "leurs pays et organisations avec les outils, services et opérations mondiaux d'INTERPOL — tels que le "
        "système de communication policière sécurisé I-24/7 et le Centre de commandement et de coordination, "
        "ouvert 24 heures sur 24 — et transforme les obstacles qu'ils recensent, comme une communication "
        "insuffisante ou le manque d'accès des agents de terrain à ces outils, en recommandations partagées "
        "avec les 190 pays membres.",
    ),
    "es": (
        "Programa sobre Delitos contra el Medio Ambiente",
        "El Programa sobre Delitos contra el Medio Ambiente de INTERPOL, dirigido desde la Secretaría General "
        "en Lyon, ayuda a los países miembros y a los socios internacionales a cooperar contra la delincuencia "
        "ambiental. Reúne a los responsables de la lucha contra la delincuencia ambiental de sus países y "
        "organizaciones con las herramientas, servicios y operaciones mundiales de INTERPOL — como el sistema "
        "seguro de comunicación policial I-24/7 y el Centro de Mando y Coordinación, abierto las 24 horas — y "
        "convierte los obstáculos que detectan, como una comunicación insuficiente o la falta de acceso de los "
        "agentes sobre el terreno a esas herramientas, en recomendaciones compartidas con los 190 países "
        "miembros.",
    ),
    "ar": (
        "برنامج مكافحة الجرائم البيئية",
        "يساعد برنامج الإنتربول لمكافحة الجرائم البيئية، الذي يُدار من الأمانة العامة في ليون، البلدان "
        "الأعضاء والشركاء الدوليين على التعاون في مكافحة الجرائم البيئية. ويجمع المسؤولين عن مكافحة الجرائم "
        "البيئية في بلدانهم ومنظماتهم بأدوات الإنتربول وخدماته وعملياته العالمية — مثل منظومة الاتصالات "
        "الشرطية المأمونة I-24/7 ومركز القيادة والتنسيق العامل على مدار الساعة — ويحوّل العقبات التي "
        "يحددونها، كقصور الاتصال وعدم تمكّن الموظفين الميدانيين من الوصول إلى تلك الأدوات، إلى توصيات "
        "تُعمَّم على البلدان الأعضاء البالغ عددها 190 بلدًا.",
    ),
}
CRIME_AREAS = {
    CrimeArea.Kind.WILDLIFE: "Poaching and trafficking of protected animals and plants, and trade in their products.",
    CrimeArea.Kind.FORESTRY: "Illegal logging and the trade in timber and forest products taken unlawfully.",
    CrimeArea.Kind.FISHERIES: "Illegal, unreported and unregulated fishing and the crimes that come with it.",
    CrimeArea.Kind.POLLUTION: "Illegal dumping, trade and disposal of waste and hazardous substances.",
}

# ICCWC's partners as the CSV names them → (short name, full name, description).
PARTNER_ORGANISATIONS = {
    "CITES Secretariat": (
        "CITES",
        "CITES Secretariat",
        "Secretariat of the Convention on International Trade in Endangered Species of Wild Fauna and Flora; "
        "chairs ICCWC.",
    ),
    "INTERPOL": (
        "INTERPOL",
        "International Criminal Police Organization",
        "Hosts the Environmental Crime Programme at its General Secretariat in Lyon.",
    ),
    "UNODC": ("UNODC", "United Nations Office on Drugs and Crime", ""),
    "World Bank": ("World Bank", "World Bank", ""),
    "World Customs Organization": ("WCO", "World Customs Organization", ""),
}

# Liaisons write in the organisation's official language their country uses; English otherwise.
# (Whitespace-separated code lists: one line each reads better than 24 quoted items.)
FRENCH_SPEAKING = frozenset("BE BJ BF BI CM CF TD KM CG CD CI DJ FR GA GN HT LU MG ML MC NE RW SN TG".split())  # noqa: SIM905
SPANISH_SPEAKING = frozenset("AR BO CL CO CR CU DO EC SV GQ GT HN MX NI PA PY PE ES UY VE".split())  # noqa: SIM905
ARABIC_SPEAKING = frozenset("DZ BH EG IQ JO KW LB LY MR MA OM QA SA SO SD SY TN AE YE".split())  # noqa: SIM905


def preferred_language(iso2: str) -> str:
    if iso2 in FRENCH_SPEAKING:
        return Language.FRENCH
    if iso2 in SPANISH_SPEAKING:
        return Language.SPANISH
    if iso2 in ARABIC_SPEAKING:
        return Language.ARABIC
    return Language.ENGLISH


def liaison_email(country: MemberCountry) -> str:
    return f"ncb.{country.iso2.lower()}@example.org"


def organisation_contact_email(organisation: Organisation) -> str:
    return f"focal-point.{re.sub(r'[^a-z0-9]+', '-', organisation.short_name.lower()).strip('-')}@example.org"


def ensure_demo_user(
    email: str,
    *,
    first_name: str,
    last_name: str,
    groups: Iterable[str],
    is_staff: bool = False,
    is_superuser: bool = False,
):
    """The demo account with this email, created (verified address, DEMO_PASSWORD) if missing.

    Returns (user, created). An existing account is left as it is, apart from joining missing groups.
    """
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=email,
        defaults={
            "email": email,
            "first_name": first_name,
            "last_name": last_name,
            "is_staff": is_staff,
            "is_superuser": is_superuser,
            "password": make_password(DEMO_PASSWORD),
        },
    )
    missing = set(groups) - set(user.groups.values_list("name", flat=True))
    if missing:
        user.groups.add(*[Group.objects.get_or_create(name=name)[0] for name in sorted(missing)])
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user, created


def seed(*, stdout, style) -> None:
    programme = _seed_programme()
    stdout.write(f"Programme: {programme.name} ({programme.crime_areas.count()} crime areas)")
    organisations = _seed_organisations()
    stdout.write(f"Organisations: {len(organisations)}")
    ensure_demo_user(
        STAFF_EMAIL,
        first_name="Programme",
        last_name="Staff",
        groups=[PROGRAMME_STAFF],
        is_staff=True,
        is_superuser=True,
    )
    liaison_count = _seed_country_liaisons()
    stdout.write(f"Member-country liaisons: {liaison_count}")
    _seed_organisation_contacts(organisations)


def _seed_programme() -> Programme:
    programme, _created = Programme.objects.get_or_create(
        slug=PROGRAMME_SLUG, defaults={"name_en": PROGRAMME_NAME, "description_en": PROGRAMME_DESCRIPTION}
    )
    # Only empty translations are filled: a staff member's own wording is never overwritten.
    filled = []
    for language, texts in PROGRAMME_TRANSLATIONS.items():
        for field, text in zip(("name", "description"), texts, strict=True):
            if not getattr(programme, f"{field}_{language}"):
                setattr(programme, f"{field}_{language}", text)
                filled.append(f"{field}_{language}")
    if filled:
        programme.save(update_fields=filled)
    for kind, description in CRIME_AREAS.items():
        CrimeArea.objects.get_or_create(programme=programme, kind=kind, defaults={"description": description})
    return programme


def _seed_organisations() -> list[Organisation]:
    with (DATA_DIR / "organisations.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    countries = MemberCountry.objects.in_bulk(field_name="iso2")
    organisations = []
    partners_by_name: dict[str, Organisation] = {}
    for partner_name, (short_name, name, description) in PARTNER_ORGANISATIONS.items():
        partner, _created = Organisation.objects.get_or_create(
            short_name=short_name,
            defaults={"name": name, "kind": Organisation.Kind.INTERNATIONAL_ORGANISATION, "description": description},
        )
        partners_by_name[partner_name] = partner
        organisations.append(partner)
    for row in rows:
        organisation, _created = Organisation.objects.get_or_create(
            short_name=row["short_name"],
            defaults={"name": row["name"], "kind": row["kind"], "description": row["note"].strip()},
        )
        members = [countries[code] for code in row["member_iso2"].split() if code in countries]
        if members:
            organisation.member_countries.add(*members)  # inserts only the missing links
        partners = [partners_by_name[name.strip()] for name in row["partners"].split(";") if name.strip()]
        if partners:
            organisation.partners.add(*partners)
        organisations.append(organisation)
    return organisations


def _seed_country_liaisons() -> int:
    """One active primary contact with a Liaison account per active member country, in bulk.

    A country whose active primary contact is somebody else (entered by staff) is left alone.
    """
    User = get_user_model()
    primaries = {
        contact.member_country_id: contact
        for contact in Contact.objects.active_primary().filter(member_country__isnull=False)
    }
    countries = [
        country
        for country in MemberCountry.objects.active().order_by("name")
        if country.pk not in primaries or primaries[country.pk].email == liaison_email(country)
    ]
    emails = {liaison_email(country): country for country in countries}

    existing_users = set(User.objects.filter(username__in=emails).values_list("username", flat=True))
    password = make_password(DEMO_PASSWORD)  # hashing is slow on purpose: once, not 190 times
    User.objects.bulk_create(
        [
            User(username=email, email=email, first_name="NCB", last_name=country.name, password=password)
            for email, country in emails.items()
            if email not in existing_users
        ]
    )
    users = User.objects.in_bulk(list(emails), field_name="username")

    liaison_group, _created = Group.objects.get_or_create(name=LIAISON)
    Membership = User.groups.through
    members = set(
        Membership.objects.filter(group=liaison_group, user__in=users.values()).values_list("user_id", flat=True)
    )
    Membership.objects.bulk_create(
        [Membership(user_id=user.pk, group_id=liaison_group.pk) for user in users.values() if user.pk not in members]
    )
    verified = set(EmailAddress.objects.filter(user__in=users.values()).values_list("user_id", flat=True))
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in users.values()
            if user.pk not in verified
        ]
    )

    linked_users = set(Contact.objects.filter(user__in=users.values()).values_list("user_id", flat=True))
    Contact.objects.bulk_create(
        [
            Contact(
                name=f"Liaison officer, NCB {country.name}",
                title="NCB liaison officer for environmental crime",
                email=email,
                preferred_language=preferred_language(country.iso2),
                member_country=country,
                is_primary=True,
                is_active=True,
                user=users[email] if users[email].pk not in linked_users else None,
            )
            for email, country in emails.items()
            if country.pk not in primaries
        ]
    )
    return len(emails)


def _seed_organisation_contacts(organisations: list[Organisation]) -> None:
    for organisation in organisations:
        Contact.objects.get_or_create(
            organisation=organisation,
            email=organisation_contact_email(organisation),
            defaults={
                "name": f"Focal point, {organisation.short_name}",
                "title": "Environmental crime focal point",
                "preferred_language": Language.ENGLISH,
                "is_primary": True,
            },
        )


def demo_accounts() -> list[tuple[str, str, str]]:
    """(role, login, password) of the accounts worth trying, for the seed_demo summary."""
    accounts = [("Programme staff", STAFF_EMAIL, DEMO_PASSWORD)]
    liaisons = (
        Contact.objects.active_primary()
        .filter(member_country__iso2__in=EXAMPLE_LIAISON_COUNTRIES, user__isnull=False)
        .select_related("member_country", "user")
    )
    for contact in sorted(liaisons, key=lambda c: EXAMPLE_LIAISON_COUNTRIES.index(c.member_country.iso2)):
        accounts.append((f"Liaison, {contact.member_country.name}", contact.user.email, DEMO_PASSWORD))
    return accounts
