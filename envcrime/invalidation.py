"""Which writes make the cached pages stale (envcrime.caching): every save and delete of the rows the
public pages show (home, visits, a visit's page with its agenda and seats left, past visits) and of the
follow-up rows a liaison's report page shows; and of the rows the signed-in account's cached row
holds (envcrime.auth).

The version is bumped at once and again when the transaction commits: a page rendered between the write
and the commit (from the rows before it) is stored under the first bump's version and dropped by the second.
"""

from django.contrib.auth import get_user_model
from django.db.models.signals import m2m_changed, post_delete, post_save

from envcrime.auth import accounts_changed
from envcrime.caching import CONTENT
from meetings.models import AgendaItem, Registration, Visit
from programmes.models import Contact, CrimeArea, MemberCountry, Organisation, Programme, UserPreferences
from recommendations.models import (
    Assessment,
    CountryReport,
    Evidence,
    ImplementationItem,
    Obstacle,
    Recommendation,
    RecommendationPackage,
    ReportEvent,
    ReportingCycle,
    Submission,
)

PUBLIC_CONTENT = (
    Programme,
    CrimeArea,
    MemberCountry,
    Organisation,
    Visit,
    AgendaItem,
    # A visit's seats left and the waiting list are counted from its registrations.
    Registration,
    Obstacle,
    Recommendation,
    RecommendationPackage,
    # Not public, but shown on a liaison's cached report page (which also keys on the report's events):
    # saved rarely, by people, so bumping the one version costs nothing that matters.
    ReportingCycle,
    CountryReport,
    ImplementationItem,
    Evidence,
    Submission,
    Assessment,
    ReportEvent,
)


content_changed = CONTENT.bump_now_and_on_commit


def connect() -> None:
    # The signed-in account's cached row holds these (envcrime.auth).
    for model in (get_user_model(), UserPreferences, Contact, MemberCountry):
        uid = f"envcrime-accounts-{model._meta.label_lower}"
        post_save.connect(accounts_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(accounts_changed, sender=model, dispatch_uid=f"{uid}-delete")
    for model in PUBLIC_CONTENT:
        uid = f"envcrime-pages-{model._meta.label_lower}"
        post_save.connect(content_changed, sender=model, dispatch_uid=f"{uid}-save")
        post_delete.connect(content_changed, sender=model, dispatch_uid=f"{uid}-delete")
        for field in model._meta.many_to_many:
            m2m_changed.connect(content_changed, sender=field.remote_field.through, dispatch_uid=f"{uid}-{field.name}")
