"""Who may open what: every URL of the portal and every custom admin view × every role → the status.

One table, read row by row like pretix's `test_permissions.py`. The objects belong to one party
(delegate A's registration, Kenya's delivery and nomination), so the rows also say that other
people's objects are a 404. `test_every_url_is_in_the_matrix` fails when a named URL is missing.

Outcomes: a status code; `L` a redirect to a sign-in page (the portal's or the admin's); `M` a
redirect to the two-factor setup page; `R` any other redirect (the view did its work, or sends a
signed-in user on).
"""

import re
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from django.conf import settings as django_settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.test import override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from meetings.models import Registration
from programmes.models import MemberCountry
from recommendations import services as recommendation_services
from recommendations.models import Delivery, Distribution
from recommendations.services import followup as followup_services
from tests.factories import (
    DelegateFactory,
    RegistrationFactory,
    StaffFactory,
    SuperuserFactory,
    ViewOnlyStaffFactory,
    VisitFactory,
    make_liaison,
    member_country,
)
from tests.fixtures.data import _load_migration_data as load_migration_data
from tests.recommendations.factories import RecommendationFactory, published_package
from tests.recommendations.followup.factories import open_cycle, pdf_upload

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "delegate", "other_delegate", "liaison_ke", "liaison_np", "viewer", "staff", "superuser")


def _world() -> dict:
    """The objects every row points at, each owned by one party."""
    visit = VisitFactory(title="Lyon visit")
    delegate = DelegateFactory()
    registration = RegistrationFactory(
        visit=visit, delegate=delegate, needs_visa_letter=True, nationality="Kenyan", passport_number="AK123456"
    )
    liaison_ke, kenya_contact = make_liaison("KE")
    liaison_np, _nepal_contact = make_liaison("NP")
    nomination = RegistrationFactory(
        visit=visit, status=Registration.Status.NOMINATED, confirmed_at=None, vetted_by_staff=False
    )
    recommendation = RecommendationFactory(visit=visit, number=1)
    package = published_package(visit=visit)
    recommendation_services.distribution_start(package=package)
    # Kenya's delivery only: Nepal's liaison must learn nothing about the package.
    Delivery.objects.filter(package=package).exclude(member_country=member_country("KE")).delete()
    delivery = Delivery.objects.get(package=package, contact=kenya_contact)
    # Kenya's report on a cycle of the package, with one evidence file.
    cycle = open_cycle(package)
    report = followup_services.report_start(cycle=cycle, member_country_id=member_country("KE").pk)
    evidence = followup_services.evidence_add(item=report.items.get(), by=liaison_ke, upload=pdf_upload())
    superuser = SuperuserFactory()
    users = {
        "anonymous": None,
        "delegate": delegate,
        "other_delegate": DelegateFactory(),
        "liaison_ke": liaison_ke,
        "liaison_np": liaison_np,
        "viewer": ViewOnlyStaffFactory(),
        "staff": StaffFactory(),
        "superuser": superuser,
        "cycle": cycle,
        "recommendation": recommendation,
        "report": report,
        "evidence": evidence,
        "kenya": member_country("KE"),
    }
    return {
        "users": users,
        "visit": visit,
        "slug": visit.slug,
        "day": visit.start_date.isoformat(),
        "registration": registration,
        "nomination": nomination,
        "package": package,
        "distribution": Distribution.objects.get(package=package),
        "delivery": delivery,
        "token": recommendation_services.delivery_link_token(delivery.pk),
        "contact": kenya_contact,
        "delegate": delegate,
        "superuser": superuser,
        "cycle": cycle,
        "recommendation": recommendation,
        "report": report,
        "evidence": evidence,
        "kenya": member_country("KE"),
    }


class Row:
    def __init__(self, name, expected, *, args=(), method="get", data=None, label="", roles=ROLES):
        self.name = name
        self.expected = dict(zip(roles, expected.split(), strict=True))
        self.args = args
        self.method = method
        self.data = data or {}
        self.id = f"{name}{'-' + label if label else ''}"

    def url(self, world) -> str:
        values = [arg(world) if callable(arg) else world.get(arg, arg) for arg in self.args]
        return reverse(self.name, args=[getattr(value, "pk", value) for value in values])


def pk(attr):
    return lambda world: world[attr].pk


#                                                       anon dlg  dlg2 KE   NP   view staff super
# fmt: off
MATRIX = [
    # --- Public pages --------------------------------------------------------------------------
    Row("home",                                         "200 200 200 200 200 200 200 200"),
    Row("healthz",                                      "200 200 200 200 200 200 200 200"),
    Row("set_language", "R R R R R R R R", method="post", data={"language": "fr", "next": "/"}),
    Row("meetings:visit_list",                          "200 200 200 200 200 200 200 200"),
    Row("meetings:past_visits",                         "200 200 200 200 200 200 200 200"),
    Row("meetings:visit_detail",                        "200 200 200 200 200 200 200 200", args=["slug"]),
    Row("meetings:visit_calendar",                      "200 200 200 200 200 200 200 200", args=["slug"]),
    Row("meetings:letter_verify",                       "200 200 200 200 200 200 200 200",
        args=[lambda w: w["registration"].letter_reference]),
    Row("meetings:letter_verify",                       "404 404 404 404 404 404 404 404",
        args=["no-such-letter"], label="unknown"),
    # --- Contact details: staff and liaisons ---------------------------------------------------
    Row("programmes:directory",                         "L   404 404 200 200 200 200 200"),
    Row("programmes:organisations",                     "L   404 404 200 200 200 200 200"),
    # --- Delegates: their own registrations ----------------------------------------------------
    Row("meetings:my_registrations",                    "L   200 200 200 200 200 200 200"),
    Row("meetings:register",                            "L   R   200 200 200 200 200 200", args=["slug"]),
    Row("meetings:registration_cancel",                 "L   200 404 404 404 404 404 404", args=[pk("registration")]),
    Row("meetings:registration_cancel",                 "L   R   404 404 404 404 404 404", args=[pk("registration")],
        method="post", label="post"),
    Row("meetings:visa_letter",                         "L   200 404 404 404 404 404 404", args=[pk("registration")]),
    Row("meetings:participants",                        "L   200 404 200 200 200 200 200", args=["slug"]),
    # --- Liaisons: their country's nominations -------------------------------------------------
    Row("meetings:nominations",                         "L   404 404 200 200 404 404 404"),
    Row("meetings:nomination_endorse",                  "L   404 404 R   404 404 404 404", args=[pk("nomination")],
        method="post"),
    Row("meetings:nomination_reject",                   "L   404 404 R   404 404 404 404", args=[pk("nomination")],
        method="post", data={"reason": "Not in the unit any more."}),
    # --- Liaisons: their country's packages ----------------------------------------------------
    Row("recommendations:package_list",                 "L   404 404 200 200 404 404 404"),
    Row("recommendations:package_detail",               "L   404 404 200 404 404 404 404", args=[pk("package")]),
    Row("recommendations:package_download",             "L   404 404 200 404 404 404 404", args=[pk("package")]),
    # One language's PDF: the same checks; a language the package does not exist in is a 404 to all.
    Row("recommendations:package_download_language",    "L   404 404 200 404 404 404 404",
        args=[pk("package"), "en"]),
    Row("recommendations:package_download_language",    "L   404 404 404 404 404 404 404",
        args=[pk("package"), "ar"], label="missing language"),
    Row("recommendations:package_acknowledge",          "L   404 404 R   404 404 404 404", args=[pk("package")],
        method="post"),
    # The personal link is the key: signed out it opens; signed in, only for the country's team.
    Row("recommendations:link",                         "200 404 404 200 404 404 404 404", args=["token"]),
    Row("recommendations:link",                         "400 400 400 400 400 400 400 400", args=["tampered"],
        label="tampered"),
    Row("recommendations:link_download",                "200 404 404 200 404 404 404 404", args=["token"]),
    Row("recommendations:link_download_language",       "200 404 404 200 404 404 404 404", args=["token", "en"]),
    Row("recommendations:link_download_language",       "404 404 404 404 404 404 404 404", args=["token", "xx"],
        label="unknown language"),
    Row("recommendations:link_acknowledge",             "L   404 404 R   404 404 404 404", args=["token"],
        method="post"),
    # --- Liaisons: their country's follow-up report ----------------------------------------------
    # The country comes from the user's contact: Nepal's liaison has no report of this cycle.
    Row("followup:cycle_list",                          "L   404 404 200 200 404 404 404"),
    Row("followup:network",                             "L   404 404 404 404 404 404 404"),
    Row("followup:report",                              "L   404 404 200 404 404 404 404", args=[pk("cycle")]),
    # An empty form: Kenya's team gets its page back with the errors.
    Row("followup:item_save",                           "L   404 404 400 404 404 404 404",
        args=[pk("cycle"), pk("recommendation")], method="post"),
    Row("followup:evidence_add",                        "L   404 404 R   404 404 404 404",
        args=[pk("cycle"), pk("recommendation")], method="post"),
    Row("followup:evidence_download",                   "L   404 404 200 404 404 404 404",
        args=[pk("cycle"), pk("evidence")]),
    Row("followup:evidence_remove",                     "L   404 404 R   404 404 404 404",
        args=[pk("cycle"), pk("evidence")], method="post"),
    Row("followup:submit",                              "L   404 404 200 404 404 404 404", args=[pk("cycle")]),
    # --- Staff dashboard (404 to everyone else, like the rest of the staff pages) ---------------
    Row("dashboard:index",                              "L   404 404 404 404 200 200 200"),
    Row("dashboard:matrix_csv",                         "L   404 404 404 404 200 200 200"),
    Row("dashboard:matrix_xlsx",                        "L   404 404 404 404 200 200 200"),
    Row("dashboard:report_pdf",                         "L   404 404 404 404 200 200 200"),
    Row("dashboard:remind",                             "L   404 404 404 404 404 R   R", args=[pk("kenya")],
        method="post"),
    Row("dashboard:remind_late",                        "L   404 404 404 404 404 R   R", method="post"),
    # --- Accounts (allauth) --------------------------------------------------------------------
    Row("account_login",                                "200 R   R   R   R   R   R   R"),
    Row("account_signup",                               "200 R   R   R   R   R   R   R"),
    Row("account_logout",                               "R   200 200 200 200 200 200 200"),
    Row("account_inactive",                             "200 200 200 200 200 200 200 200"),
    Row("account_reauthenticate",                       "L   200 200 200 200 200 200 200"),
    Row("account_request_reauthentication_code",        "L   200 200 200 200 200 200 200"),
    Row("account_confirm_reauthentication_code",        "L   R   R   R   R   R   R   R"),
    Row("account_email",                                "L   200 200 200 200 200 200 200"),
    Row("account_email_verification_sent",              "200 200 200 200 200 200 200 200"),
    # allauth answers an unknown key with its "invalid link" page.
    Row("account_confirm_email",                        "200 200 200 200 200 200 200 200", args=["bogus-key"]),
    Row("account_change_password",                      "L   200 200 200 200 200 200 200"),
    Row("account_set_password",                         "L   R   R   R   R   R   R   R"),
    Row("account_reset_password",                       "200 200 200 200 200 200 200 200"),
    Row("account_reset_password_done",                  "200 200 200 200 200 200 200 200"),
    Row("account_reset_password_from_key",              "200 200 200 200 200 200 200 200", args=["0", "bogus-key"]),
    Row("account_reset_password_from_key_done",         "200 200 200 200 200 200 200 200"),
    Row("account_confirm_login_code",                   "L   R   R   R   R   R   R   R"),
    Row("mfa_index",                                    "L   200 200 200 200 200 200 200"),
    Row("mfa_authenticate",                             "L   R   R   R   R   R   R   R"),
    Row("mfa_reauthenticate",                           "L   R   R   R   R   R   R   R"),
    # Setting up a second factor asks for the password again first.
    Row("mfa_activate_totp",                            "L   R   R   R   R   R   R   R"),
    Row("mfa_deactivate_totp",                          "L   404 404 404 404 404 404 404"),
    Row("mfa_view_recovery_codes",                      "L   404 404 404 404 404 404 404"),
    Row("mfa_generate_recovery_codes",                  "L   R   R   R   R   R   R   R"),
    Row("mfa_download_recovery_codes",                  "L   404 404 404 404 404 404 404"),
    Row("usersessions_list",                            "L   200 200 200 200 200 200 200"),
    # --- Admin: the site, custom views, representative model pages -----------------------------
    Row("admin:index",                                  "L   L   L   L   L   200 200 200"),
    Row("admin:meetings_visit_changelist",              "L   L   L   L   L   200 200 200"),
    Row("admin:meetings_visit_change",                  "L   L   L   L   L   200 200 200", args=[pk("visit")]),
    Row("admin:meetings_visit_add",                     "L   L   L   L   L   403 200 200"),
    Row("admin:meetings_visit_check_in",                "L   L   L   L   L   403 200 200", args=[pk("visit"), "day"]),
    Row("admin:meetings_registration_changelist",       "L   L   L   L   L   200 200 200"),
    Row("admin:meetings_registration_change",           "L   L   L   L   L   200 200 200", args=[pk("registration")]),
    Row("admin:meetings_registration_export",           "L   L   L   L   L   200 200 200"),
    Row("admin:meetings_attendance_changelist",         "L   L   L   L   L   200 200 200"),
    Row("admin:programmes_contact_changelist",          "L   L   L   L   L   200 200 200"),
    Row("admin:programmes_contact_change",              "L   L   L   L   L   200 200 200", args=[pk("contact")]),
    Row("admin:programmes_contact_export",              "L   L   L   L   L   200 200 200"),
    Row("admin:programmes_contact_import",              "L   L   L   L   L   403 200 200"),
    Row("admin:programmes_contact_process_import",      "L   L   L   L   L   403 200 200", method="post"),
    Row("admin:auth_user_changelist",                   "L   L   L   L   L   200 200 200"),
    Row("admin:auth_user_change",                       "L   L   L   L   L   200 200 200", args=[pk("delegate")]),
    # Staff accounts are the superusers' business: to other staff they do not exist.
    Row("admin:auth_user_change",                       "L   L   L   L   L   R   R   200", args=[pk("superuser")],
        label="superuser"),
    Row("admin:auth_user_password_change",              "L   L   L   L   L   403 403 200", args=[pk("delegate")]),
    Row("admin:auth_group_changelist",                  "L   L   L   L   L   200 200 200"),
    Row("admin:recommendations_recommendationpackage_changelist", "L L L L L 200 200 200"),
    Row("admin:recommendations_recommendationpackage_change", "L L L L L 200 200 200", args=[pk("package")]),
    Row("admin:recommendations_package_document",       "L   L   L   L   L   200 200 200", args=[pk("package")]),
    Row("admin:recommendations_distribution_changelist", "L  L   L   L   L   200 200 200"),
    Row("admin:recommendations_distribution_change",    "L   L   L   L   L   200 200 200", args=[pk("distribution")]),
    Row("admin:recommendations_distribution_progress",  "L   L   L   L   L   200 200 200", args=[pk("distribution")]),
    Row("admin:recommendations_distribution_report",    "L   L   L   L   L   200 200 200", args=[pk("distribution")]),
    Row("admin:recommendations_distribution_retry_failed", "L L  L   L   L   403 R   R", args=[pk("distribution")],
        method="post"),
    Row("admin:recommendations_delivery_changelist",    "L   L   L   L   L   200 200 200"),
    Row("admin:recommendations_delivery_change",        "L   L   L   L   L   200 200 200", args=[pk("delivery")]),
    Row("admin:recommendations_countryreport_review",   "L   L   L   L   L   200 200 200", args=[pk("report")]),
    Row("admin:recommendations_countryreport_evidence", "L   L   L   L   L   200 200 200",
        args=[pk("report"), pk("evidence")]),
]
# fmt: on

MATRIX_CASES = [pytest.param(row, role, id=f"{row.id}-{role}") for row in MATRIX for role in ROLES]


def outcome(response):
    if response.status_code == 302:
        path = urlsplit(response["Location"]).path
        if path in (reverse("account_login"), reverse("admin:login")):
            return "L"
        if path == reverse("mfa_activate_totp"):
            return "M"
        return "R"
    return str(response.status_code)


def _request(client, row, world):
    response = getattr(client, row.method)(row.url(world), row.data)
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


@pytest.fixture(scope="module")
def _shared_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world is built once per module, in a transaction rolled back at the end.

    Each test runs in its own savepoint inside it (pytest-django's `db`), so what one row's POST
    changes is undone before the next. Built per test, the 700 cases took five minutes.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        if not MemberCountry.objects.exists():
            load_migration_data()
        yield _world()
        transaction.set_rollback(True)


@pytest.fixture
def world(_shared_world, db, settings):
    settings.MEDIA_ROOT = django_settings.MEDIA_ROOT
    # The second factor has its own rows below.
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    return _shared_world


@pytest.mark.parametrize(("row", "role"), MATRIX_CASES)
def test_permission_matrix(client, world, row, role):
    user = world["users"][role]
    if user is not None:
        client.force_login(user)
    got = outcome(_request(client, row, world))
    assert got == row.expected[role], f"{row.id} as {role}: {got}"


# Staff without a second factor reach neither the admin nor the directory while MFA is required;
# with one (or as a delegate's page), nothing changes.
MFA_ROLES = ("without", "with")
MFA_ROWS = [
    Row("admin:index", "M 200", roles=MFA_ROLES),
    Row("admin:meetings_registration_changelist", "M 200", roles=MFA_ROLES),
    Row("admin:meetings_visit_check_in", "M 200", args=[pk("visit"), "day"], roles=MFA_ROLES),
    Row("admin:recommendations_distribution_report", "M 200", args=[pk("distribution")], roles=MFA_ROLES),
    Row("programmes:directory", "M 200", roles=MFA_ROLES),
    Row("meetings:my_registrations", "200 200", roles=MFA_ROLES),
]


@pytest.mark.parametrize("row", MFA_ROWS, ids=[row.id for row in MFA_ROWS])
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_without_a_second_factor_are_sent_to_set_one_up(client, world, settings, row, role):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = True
    client.force_login(world["users"][role])
    assert outcome(_request(client, row, world)) == row.expected["without"]


@pytest.mark.parametrize("row", MFA_ROWS, ids=[row.id for row in MFA_ROWS])
@pytest.mark.parametrize("role", ["staff", "superuser"])
def test_staff_with_a_second_factor_pass(client, world, settings, row, role):
    settings.ENVCRIME_REQUIRE_STAFF_MFA = True
    user = world["users"][role]
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})
    client.force_login(user)
    assert outcome(_request(client, row, world)) == row.expected["with"]


# The admin's generated pages of each model are covered by the model admin's permissions (and
# sampled above); the admin site's own pages are Django's. Everything else must be in the table.
ADMIN_GENERATED = re.compile(
    r"^admin:(\w+_(changelist|add|change|delete|history)|login|logout|password_change"
    r"|password_change_done|autocomplete|jsi18n|view_on_site|app_list)$"
)


def _named_urls(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_urls(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace + pattern.name


def test_every_url_is_in_the_matrix():
    names = {name for name in _named_urls(get_resolver().url_patterns) if not ADMIN_GENERATED.match(name)}
    assert names - {row.name for row in MATRIX} == set()


def test_the_view_only_group_grants_no_change():
    viewer = ViewOnlyStaffFactory()
    codenames = set(Group.objects.filter(user=viewer).values_list("permissions__codename", flat=True))
    assert codenames and all(codename.startswith("view_") for codename in codenames)


def test_matrix_objects_belong_to_one_party(world):
    assert world["registration"].delegate == world["users"]["delegate"]
    assert list(Delivery.objects.values_list("member_country__iso2", flat=True)) == ["KE"]
    assert world["nomination"].member_country.iso2 == "KE"


@pytest.mark.parametrize(
    "name", ["admin:meetings_registration_export", "admin:programmes_contact_export", "admin:programmes_contact_import"]
)
def test_staff_without_the_models_permissions_neither_export_nor_import(client, world, name):
    # A staff account in no group: import-export's default would let it export every registration.
    client.force_login(StaffFactory(roles=["No permissions (tests)"]))
    assert client.get(reverse(name)).status_code == 403
