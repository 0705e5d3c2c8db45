"""The ten key pages of issue 10 and the data behind them, shared by the accessibility and translation tests.

`key_pages()` builds one upcoming visit with an agenda, a published package distributed to Kenya with an
open reporting cycle, and the Kenya liaison (who is also registered for the visit): enough for every page
to show its real content. The content strings are distinctive (`DATA_STRINGS`) so that a scan for
untranslated text can tell the data apart from the portal's own words.
"""

import datetime
from dataclasses import dataclass

from django.test import Client

from tests.factories import AgendaItemFactory, RegistrationFactory, VisitFactory, member_country
from tests.recommendations.factories import ObstacleFactory, RecommendationFactory
from tests.recommendations.followup.factories import distributed_package, open_cycle, team_member

# Content typed by staff or delegates: data, not the portal's words (shown as entered in every language).
VISIT_TITLE = "Zanzibar Quokka visit"
DATA_STRINGS = [
    VISIT_TITLE,
    "Quokka Hall",
    "Quokka City",
    "Quokka agenda zeta",
    "Quokka agenda eta",
    "Quokka description text",
    "Quokka package",
    "Quokka summary text",
    "Quokka obstacle",
    "Quokka obstacle text",
    "Quokka recommendation one",
    "Quokka recommendation two",
    "Quokka recommendation text",
    "Quokka room",
    "Quokka cycle",
    "Amina Odhiambo",
    "Quokka officer",
    "Quokka second visit",
]


@dataclass
class KeyPages:
    liaison: object
    visit: object
    cycle: object
    anonymous: list[tuple[str, str]]
    signed_in: list[tuple[str, str]]

    @property
    def all(self) -> list[tuple[str, str, bool]]:
        return [(name, path, False) for name, path in self.anonymous] + [
            (name, path, True) for name, path in self.signed_in
        ]


def key_pages() -> KeyPages:
    package = distributed_package(countries=("KE",), recommendations=0, other_audience=0)
    visit = package.visit
    VisitFactory._meta.model.objects.filter(pk=visit.pk).update(
        title=VISIT_TITLE,
        slug="zanzibar-quokka",
        venue="Quokka Hall",
        city="Quokka City",
        description="Quokka description text",
        host_country=member_country("FR"),
    )
    visit.refresh_from_db()
    for offset, title in enumerate(["Quokka agenda zeta", "Quokka agenda eta"]):
        AgendaItemFactory(
            visit=visit,
            date=visit.start_date + datetime.timedelta(days=offset),
            title=title,
            location="Quokka room",
        )
    obstacle = ObstacleFactory(visit=visit, title="Quokka obstacle", description="Quokka obstacle text")
    for number, title in ((1, "Quokka recommendation one"), (2, "Quokka recommendation two")):
        RecommendationFactory(
            visit=visit, number=number, title=title, text="Quokka recommendation text", obstacles=[obstacle]
        )
    from recommendations.services import publishing

    package.title = "Quokka package"
    package.summary = "Quokka summary text"
    package.content = publishing._snapshot_content(package)
    package.save(update_fields=["title", "summary", "content"])
    cycle = open_cycle(package, title="Quokka cycle")
    liaison = team_member("KE", primary=True, first_name="Amina", last_name="Odhiambo", email="amina@example.org")
    # Registered for another visit, so that the registration form of this one stays open to them.
    other = VisitFactory(title="Quokka second visit", slug="quokka-second", venue="Quokka Hall", city="Quokka City")
    RegistrationFactory(visit=other, delegate=liaison, full_name="Amina Odhiambo", job_title="Quokka officer")
    return KeyPages(
        liaison=liaison,
        visit=visit,
        cycle=cycle,
        anonymous=[
            ("home", "/"),
            ("visit-list", "/visits/"),
            ("visit-page", f"/visits/{visit.slug}/"),
            ("sign-up", "/accounts/signup/"),
            ("sign-in", "/accounts/login/"),
        ],
        signed_in=[
            ("registration-form", f"/visits/{visit.slug}/register/"),
            ("my-registrations", "/visits/mine/"),
            ("package-list", "/packages/"),
            ("package-page", f"/packages/{package.pk}/"),
            ("follow-up", f"/follow-up/{cycle.pk}/"),
        ],
    )


def session_cookie(user, url: str) -> dict:
    """The session of a signed-in user as a cookie for a browser context (the sign-in page has its own tests)."""
    client = Client()
    client.force_login(user)
    return {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": url}
