"""Demo data for `manage.py seed_demo`: the May 2013 visit to Lyon and one upcoming visit open now.

The Lyon visit follows the June 2013 article (dates, venue, the 16 delegates' affiliations, the
agenda's contents); times, rooms and people are invented, addresses use example.org. The upcoming
visit is dated about three months from the day of seeding so a newcomer can register right away.

Idempotent: visits are looked up by slug and delegates by email; nothing existing is modified
(an upcoming visit seeded long ago stays where it was: re-create the database to move it).
"""

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.utils import timezone

from programmes.models import MemberCountry, Organisation, Programme
from programmes.roles import DELEGATE

from .demo_translations import translate_demo_visits
from .models import AgendaItem, Attendance, Registration, RegistrationStatusChange, Visit

LYON_SLUG = "familiarization-visit-lyon-2013"
UPCOMING_SLUG = "familiarization-visit-singapore"
PROGRAMME_SLUG = "environmental-crime"
STAFF_EMAIL = "staff@example.org"
# A delegate account without registrations, to try registering without signing up first.
TRY_DELEGATE_EMAIL = "delegate@example.org"
# A delegate whose registration for the upcoming visit awaits Kenya's endorsement.
NOMINEE_EMAIL = "nominee@example.org"

Kind = AgendaItem.Kind
GS = "General Secretariat"

LYON_DESCRIPTION = (
    "A four-day familiarization visit at the General Secretariat headquarters in Lyon, organized by the "
    "Environmental Crime Programme, for the people responsible for environmental crime in member countries "
    "and in regional, international and non-governmental organizations: to learn about the global tools, "
    "services and operations on offer and to discuss cooperation on future projects and activities."
)
LYON_SUMMARY = (
    "16 representatives of China, Kenya, Nepal, Thailand, the United Kingdom, the United States, LATF, "
    "SAWEN, ASEAN-WEN, ICCWC, the Freeland Foundation and IFAW visited the Command and Coordination Centre, "
    "reviewed tools such as the I-24/7 secure police communications system and studied lessons from past "
    "international operations. They identified obstacles to cooperation — including insufficient "
    "communication and frontline officers' lack of access to the tools — and generated a set of "
    "recommendations shared with all 190 member countries."
)

# (day offset, start, end, kind, title, description, location, speaker)
LYON_AGENDA = [
    (0, "09:00", "09:45", Kind.DISCUSSION, "Welcome and introductions",
     "Opening of the visit; participants present their responsibilities for environmental crime.",
     "Conference room A, ground floor", "Head of the Environmental Crime Programme"),
    (0, "10:00", "11:00", Kind.PRESENTATION, "The Environmental Crime Programme",
     "Objectives, partners and current projects of the programme.", "Conference room A, ground floor",
     "Environmental Crime Programme team"),
    (0, "11:15", "12:30", Kind.SITE_VISIT, "Tour of the 24-hour Command and Coordination Centre",
     "How requests from member countries are handled around the clock, every day of the year.",
     "Command and Coordination Centre", "Duty officer"),
    (0, "14:00", "15:30", Kind.PRESENTATION, "The Global Complex for Innovation",
     "The complex under development in Singapore: research, capacity building and operational support.",
     "Conference room A, ground floor", "Global Complex for Innovation project team"),
    (0, "15:45", "17:00", Kind.DISCUSSION, "Environmental crime in participants' countries and organizations",
     "Round table on the main threats and current responses.", "Conference room A, ground floor", ""),
    (1, "09:00", "10:30", Kind.TOOL_REVIEW, "I-24/7 secure police communications system",
     "How the network connects National Central Bureaus and how access can be extended to frontline units.",
     "Training room 2", "Information systems directorate"),
    (1, "10:45", "12:15", Kind.TOOL_REVIEW, "Notices and diffusions",
     "Colour-coded notices for wanted persons, modus operandi and threats; requests for cooperation.",
     "Training room 2", "Notices unit"),
    (1, "13:45", "15:15", Kind.TOOL_REVIEW, "Databases and forensic services",
     "Nominal data, stolen and lost travel documents, and the forensic services available to investigators.",
     "Training room 2", "Databases unit"),
    (1, "15:30", "17:00", Kind.PRESENTATION, "Crime areas supported worldwide",
     "Overview of the crime areas in which the organisation supports law enforcement.",
     "Conference room A, ground floor", "Crime areas coordinators"),
    (2, "09:00", "10:30", Kind.PRESENTATION, "Crime-area briefings: links with environmental crime",
     "Financial crime, corruption and organized crime networks behind environmental crime.",
     "Conference room B, first floor", "Crime areas coordinators"),
    (2, "10:45", "12:30", Kind.CASE_STUDY, "Lessons learned: an international wildlife operation",
     "What worked and what did not when several regions acted at the same time.",
     "Conference room B, first floor", "Environmental Crime Programme team"),
    (2, "14:00", "15:30", Kind.CASE_STUDY, "Lessons learned: an international timber operation",
     "Sharing information across borders and following the money.", "Conference room B, first floor",
     "Environmental Crime Programme team"),
    (2, "15:45", "17:00", Kind.DISCUSSION, "Using the tools and services against environmental crime",
     "Working groups: how each participant's agency could best use the tools and services.",
     "Conference room B, first floor", ""),
    (3, "09:00", "10:45", Kind.DISCUSSION, "Obstacles to successful future cooperation",
     "Closing session, part 1: the obstacles participants identified.", "Conference room A, ground floor", ""),
    (3, "11:00", "12:30", Kind.DISCUSSION, "Recommendations and next steps",
     "Closing session, part 2: recommendations to share with all member countries; closing remarks.",
     "Conference room A, ground floor", "Head of the Environmental Crime Programme"),
]  # fmt: skip

UPCOMING_DESCRIPTION = (
    "Four days at the Global Complex for Innovation for officers responsible for environmental crime: "
    "the operational and digital-forensics support on offer, the secure communications tools, case "
    "studies from recent operations and a working session on cooperation in the region."
)

UPCOMING_AGENDA = [
    (0, "09:00", "10:00", Kind.DISCUSSION, "Welcome and introductions",
     "Participants present their agencies and their priorities.", "Auditorium", ""),
    (0, "10:15", "12:00", Kind.SITE_VISIT, "Tour of the Global Complex for Innovation",
     "The innovation centre, the digital forensics laboratory and the operational support rooms.",
     "Meeting point: main lobby", "Host team"),
    (0, "13:30", "15:00", Kind.PRESENTATION, "The Environmental Crime Programme today",
     "Projects, partners and what member countries can ask for.", "Auditorium", "Programme team"),
    (0, "15:15", "16:45", Kind.PRESENTATION, "Recommendations of earlier visits: where we stand",
     "Follow-up of the recommendations shared with member countries.", "Auditorium", "Programme team"),
    (1, "09:00", "10:30", Kind.TOOL_REVIEW, "Secure communications for frontline officers",
     "Extending access to the secure police communications system beyond the National Central Bureaus.",
     "Training room 1", "Information systems team"),
    (1, "10:45", "12:15", Kind.TOOL_REVIEW, "Notices and databases for environmental crime",
     "Hands-on session with notices, diffusions and database searches.", "Training room 1", ""),
    (1, "13:45", "15:15", Kind.TOOL_REVIEW, "Digital forensics for wildlife cases",
     "Exploiting seized phones and online marketplaces.", "Digital forensics laboratory", "Forensics team"),
    (1, "15:30", "17:00", Kind.DISCUSSION, "Questions and answers on the tools", "", "Training room 1", ""),
    (2, "09:00", "10:30", Kind.CASE_STUDY, "Case study: a cross-border wildlife trafficking network",
     "From a seizure at an airport to the financiers of the network.", "Auditorium", ""),
    (2, "10:45", "12:15", Kind.CASE_STUDY, "Case study: illegal fishing and the crimes that come with it",
     "", "Auditorium", ""),
    (2, "13:45", "15:15", Kind.PRESENTATION, "Financial investigations in environmental crime", "",
     "Auditorium", "Financial crime unit"),
    (2, "15:30", "17:00", Kind.DISCUSSION, "Working groups by region", "", "Breakout rooms 1–3", ""),
    (3, "09:00", "10:45", Kind.DISCUSSION, "Obstacles to cooperation", "", "Auditorium", ""),
    (3, "11:00", "12:30", Kind.DISCUSSION, "Recommendations and closing", "", "Auditorium", ""),
]  # fmt: skip


@dataclass(frozen=True)
class DemoDelegate:
    email: str
    first_name: str
    last_name: str
    job_title: str
    country_iso2: str = ""
    organisation: str = ""  # short name
    nationality: str = ""


# Sixteen delegates, twelve affiliations: Kenya, Thailand, the United States and ASEAN-WEN sent two.
LYON_DELEGATES = [
    DemoDelegate(
        "lyon2013.china@example.org", "Wei", "Zhang", "Deputy Director, forest police", "CN", nationality="Chinese"
    ),
    DemoDelegate(
        "lyon2013.kenya@example.org",
        "Grace",
        "Wanjiru",
        "Head of investigations, wildlife service",
        "KE",
        nationality="Kenyan",
    ),
    DemoDelegate(
        "lyon2013.kenya2@example.org",
        "Peter",
        "Otieno",
        "Intelligence officer, wildlife service",
        "KE",
        nationality="Kenyan",
    ),
    DemoDelegate(
        "lyon2013.nepal@example.org", "Sita", "Gurung", "Wildlife crime control officer", "NP", nationality="Nepali"
    ),
    DemoDelegate(
        "lyon2013.thailand@example.org",
        "Somchai",
        "Boonmee",
        "Police colonel, natural resources division",
        "TH",
        nationality="Thai",
    ),
    DemoDelegate("lyon2013.thailand2@example.org", "Malee", "Srisuk", "Customs investigator", "TH", nationality="Thai"),
    DemoDelegate(
        "lyon2013.uk@example.org", "James", "Hartley", "Head, national wildlife crime unit", "GB", nationality="British"
    ),
    DemoDelegate(
        "lyon2013.us@example.org",
        "Laura",
        "Mitchell",
        "Special agent, fish and wildlife enforcement",
        "US",
        nationality="American",
    ),
    DemoDelegate(
        "lyon2013.us2@example.org",
        "Daniel",
        "Brooks",
        "Attaché, environmental enforcement",
        "US",
        nationality="American",
    ),
    DemoDelegate(
        "lyon2013.latf@example.org",
        "Joseph",
        "Mwale",
        "Intelligence officer",
        organisation="LATF",
        nationality="Zambian",
    ),
    DemoDelegate(
        "lyon2013.sawen@example.org",
        "Anil",
        "Shrestha",
        "Programme coordinator",
        organisation="SAWEN",
        nationality="Nepali",
    ),
    DemoDelegate(
        "lyon2013.asean-wen@example.org",
        "Nguyen",
        "Thi Lan",
        "Programme coordinator",
        organisation="ASEAN-WEN",
        nationality="Vietnamese",
    ),
    DemoDelegate(
        "lyon2013.asean-wen2@example.org",
        "Rizal",
        "Santos",
        "Regional enforcement adviser",
        organisation="ASEAN-WEN",
        nationality="Filipino",
    ),
    DemoDelegate(
        "lyon2013.iccwc@example.org",
        "Claire",
        "Dubois",
        "Enforcement support officer",
        organisation="ICCWC",
        nationality="Swiss",
    ),
    DemoDelegate(
        "lyon2013.freeland@example.org",
        "Arun",
        "Chaiyasit",
        "Training manager",
        organisation="Freeland",
        nationality="Thai",
    ),
    DemoDelegate(
        "lyon2013.ifaw@example.org",
        "Sarah",
        "Whitfield",
        "Wildlife trade programme director",
        organisation="IFAW",
        nationality="British",
    ),
]


def _time(value: str) -> datetime.time:
    return datetime.time.fromisoformat(value)


def _aware(day: datetime.date, hour: int = 0, zone=None) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=zone or timezone.get_current_timezone())


def _add_agenda(visit: Visit, rows) -> None:
    AgendaItem.objects.bulk_create(
        AgendaItem(
            visit=visit,
            date=visit.start_date + datetime.timedelta(days=offset),
            start_time=_time(start),
            end_time=_time(end),
            kind=kind,
            title=title,
            description=description,
            location=location,
            speaker=speaker,
        )
        for offset, start, end, kind, title, description, location, speaker in rows
    )


def upcoming_start(today: datetime.date) -> datetime.date:
    """The first Monday at least 90 days away: a four-day visit then runs Monday to Thursday."""
    day = today + datetime.timedelta(days=90)
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


def seed(*, stdout, style) -> None:
    from programmes.demo import DEMO_PASSWORD, ensure_demo_user

    programme = Programme.objects.get(slug=PROGRAMME_SLUG)
    lyon, created = _seed_lyon(programme)
    if created:
        _seed_lyon_delegates(lyon, ensure_demo_user)
    upcoming, upcoming_created = _seed_upcoming(programme)
    ensure_demo_user(TRY_DELEGATE_EMAIL, first_name="Demo", last_name="Delegate", groups=[DELEGATE])
    nominee, _created = ensure_demo_user(NOMINEE_EMAIL, first_name="Amani", last_name="Otieno", groups=[DELEGATE])
    _seed_nomination(upcoming, nominee)
    # French, Spanish and Arabic texts (only where empty): every language can be tried at once.
    translate_demo_visits([lyon, upcoming])

    confirmed = lyon.registrations.filter(status=Registration.Status.CONFIRMED).count()
    stdout.write(style.SUCCESS(f"Visits: {lyon.title} ({confirmed} confirmed delegates), {upcoming.title}."))
    stdout.write(
        f"  Try registering for the upcoming visit ({upcoming.start_date:%d %B %Y}): sign up, or sign in as "
        f"{TRY_DELEGATE_EMAIL} / {DEMO_PASSWORD}"
    )


def _seed_lyon(programme: Programme) -> tuple[Visit, bool]:
    existing = Visit.objects.filter(slug=LYON_SLUG).first()
    if existing is not None:
        return existing, False
    lyon = Visit.objects.create(
        programme=programme,
        slug=LYON_SLUG,
        title="Familiarization visit to the General Secretariat, Lyon",
        description=LYON_DESCRIPTION,
        summary=LYON_SUMMARY,
        venue=GS,
        city="Lyon",
        host_country=MemberCountry.objects.get(iso2="FR"),
        time_zone="Europe/Paris",
        start_date=datetime.date(2013, 5, 13),
        end_date=datetime.date(2013, 5, 16),
        capacity=16,
        registration_opens_at=_aware(datetime.date(2013, 3, 1)),
        registration_closes_at=_aware(datetime.date(2013, 5, 6)),
        requires_approval=True,
        status=Visit.Status.HELD,
    )
    _add_agenda(lyon, LYON_AGENDA)
    return lyon, True


def _seed_lyon_delegates(lyon: Visit, ensure_demo_user) -> None:
    staff = get_user_model().objects.filter(email=STAFF_EMAIL).first()
    countries = {c.iso2: c for c in MemberCountry.objects.filter(iso2__in={d.country_iso2 for d in LYON_DELEGATES})}
    organisations = {
        o.short_name: o for o in Organisation.objects.filter(short_name__in={d.organisation for d in LYON_DELEGATES})
    }
    for number, person in enumerate(LYON_DELEGATES):
        country = countries.get(person.country_iso2)
        organisation = organisations.get(person.organisation)
        if country is None and organisation is None:
            continue  # the directory lacks this partner: nothing sensible to register
        user, _created = ensure_demo_user(
            person.email, first_name=person.first_name, last_name=person.last_name, groups=[DELEGATE]
        )
        submitted = _aware(datetime.date(2013, 3, 11 + number), 10)
        confirmed = _aware(datetime.date(2013, 4, 8), 15)
        registration = Registration.objects.create(
            visit=lyon,
            delegate=user,
            member_country=country,
            organisation=organisation,
            full_name=f"{person.first_name} {person.last_name}",
            job_title=person.job_title,
            arrival_date=datetime.date(2013, 5, 12),
            departure_date=datetime.date(2013, 5, 17),
            needs_visa_letter=person.country_iso2 not in ("GB", "US") and person.nationality != "Swiss",
            nationality=person.nationality,
            consent_to_participant_list=True,
            status=Registration.Status.CONFIRMED,
            submitted_at=submitted,
            confirmed_at=confirmed,
            # Approved by programme staff at the time: their invitation letters were legitimately issued.
            vetted_by_staff=True,
        )
        RegistrationStatusChange.objects.bulk_create(
            [
                RegistrationStatusChange(
                    registration=registration,
                    from_status="",
                    to_status="pending",
                    changed_by=user,
                    changed_at=submitted,
                ),
                RegistrationStatusChange(
                    registration=registration,
                    from_status="pending",
                    to_status="confirmed",
                    changed_by=staff,
                    changed_at=confirmed,
                    note="Confirmed by programme staff",
                ),
            ]
        )
        Attendance.objects.bulk_create(
            Attendance(
                registration=registration,
                date=day,
                checked_in_at=_aware(day, 8, lyon.zone) + datetime.timedelta(minutes=40 + number),
                checked_in_by=staff,
            )
            for day in lyon.days
        )


def _seed_upcoming(programme: Programme) -> tuple[Visit, bool]:
    existing = Visit.objects.filter(slug=UPCOMING_SLUG).first()
    if existing is not None:
        return existing, False
    now = timezone.now()
    start = upcoming_start(timezone.localdate())
    upcoming = Visit.objects.create(
        programme=programme,
        slug=UPCOMING_SLUG,
        title=f"Familiarization visit to the Global Complex for Innovation, Singapore ({start:%B %Y})",
        description=UPCOMING_DESCRIPTION,
        venue="Global Complex for Innovation",
        city="Singapore",
        host_country=MemberCountry.objects.filter(iso2="SG").first(),
        time_zone="Asia/Singapore",
        start_date=start,
        end_date=start + datetime.timedelta(days=3),
        capacity=16,
        registration_opens_at=now - datetime.timedelta(days=1),
        registration_closes_at=_aware(start - datetime.timedelta(days=7), zone=timezone.get_current_timezone()),
        requires_approval=False,
        status=Visit.Status.OPEN,
    )
    _add_agenda(upcoming, UPCOMING_AGENDA)
    return upcoming, True


def _seed_nomination(upcoming: Visit, nominee) -> None:
    """One nomination awaiting Kenya's endorsement, made through the service like a real one."""
    from .services import RegistrationData, registration_submit

    if Registration.objects.filter(visit=upcoming, delegate=nominee).exists():
        return
    registration_submit(
        visit=upcoming,
        user=nominee,
        data=RegistrationData(
            full_name="Amani Otieno",
            job_title="Senior warden, investigations",
            agency="Kenya Wildlife Service",
            arrival_date=upcoming.start_date - datetime.timedelta(days=1),
            departure_date=upcoming.end_date + datetime.timedelta(days=1),
            member_country=MemberCountry.objects.get(iso2="KE"),
            needs_visa_letter=True,
            nationality="Kenyan",
            consent_to_participant_list=True,
        ),
    )


def demo_accounts() -> list[tuple[str, str, str]]:
    """(role, login, password) for the seed_demo summary: the account ready to register for a visit."""
    from programmes.demo import DEMO_PASSWORD

    if not get_user_model().objects.filter(email=TRY_DELEGATE_EMAIL).exists():
        return []
    return [
        ("Delegate", TRY_DELEGATE_EMAIL, DEMO_PASSWORD),
        ("Delegate awaiting Kenya's endorsement", NOMINEE_EMAIL, DEMO_PASSWORD),
    ]
