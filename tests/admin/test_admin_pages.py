"""Every admin page opens for a superuser, and for programme staff wherever their group lets them
look (elsewhere they get a 403): one case per registered model, so the admins of the meetings and
recommendations apps are covered as soon as they are registered.

Objects come from the database (data migrations, the staff user), else from OBJECT_MAKERS below,
else from a factory for that model found in `tests/factories.py` or `tests/<app>/factories.py`,
else from `seed_demo` (slow, so last).
"""

import importlib
import inspect
from io import StringIO

import factory
import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.urls import reverse

from programmes.permissions import STAFF_APPS
from tests.factories import StaffFactory, SuperuserFactory

REGISTERED = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)


def _factory_modules():
    names = ["tests.factories"] + [f"tests.{config.label}.factories" for config in apps.get_app_configs()]
    for name in names:
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError:
            continue


def factories_by_model() -> dict[type, type]:
    found = {}
    for module in _factory_modules():
        for _name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, factory.django.DjangoModelFactory)
                and value._meta.model is not None
            ):
                found.setdefault(value._meta.model, value)
    return found


def _authenticator(staff):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"})


def _delivery(staff):
    from recommendations.models import Delivery, Distribution
    from tests.factories import ContactFactory
    from tests.recommendations.factories import published_package

    package = published_package()
    contact = ContactFactory(is_primary=True)
    distribution = Distribution.objects.create(package=package, started_by=staff)
    return Delivery.objects.create(
        distribution=distribution,
        package=package,
        contact=contact,
        member_country=contact.member_country,
        email=contact.email,
    )


def _download_event(staff):
    from recommendations.models import DownloadEvent

    delivery = _delivery(staff)
    return DownloadEvent.objects.create(
        package=delivery.package, delivery=delivery, user=staff, via=DownloadEvent.Via.PORTAL
    )


# Models without a factory: third-party ones, and rows that only a workflow creates.
OBJECT_MAKERS = {
    "mfa.Authenticator": _authenticator,
    "recommendations.Delivery": _delivery,
    "recommendations.Distribution": lambda staff: _delivery(staff).distribution,
    "recommendations.DownloadEvent": _download_event,
}


def object_for(model, staff, queryset=None):
    existing = (model._default_manager if queryset is None else queryset).order_by("pk").first()
    if existing is not None:
        return existing
    label = model._meta.label
    if label in OBJECT_MAKERS:
        return OBJECT_MAKERS[label](staff)
    problems = []
    model_factory = factories_by_model().get(model)
    if model_factory is not None:
        try:
            with transaction.atomic():
                return model_factory()
        except Exception as error:  # a broken factory must not hide the admin page: try the demo data
            problems.append(f"{model_factory.__name__} failed: {error!r}")
    # The demo data is slow to build: only when nothing cheaper gave an object.
    call_command("seed_demo", stdout=StringIO())
    seeded = model._default_manager.order_by("pk").first()
    if seeded is not None:
        return seeded
    problems.append("seed_demo creates none")
    pytest.fail(
        f"No {label} to open in the admin ({'; '.join(problems)}): add a factory for it to tests/factories.py "
        f"or tests/{model._meta.app_label}/factories.py, or a maker to OBJECT_MAKERS."
    )


@pytest.fixture(params=["superuser", "programme_staff"])
def staff_client(request, client, settings):
    # Staff MFA is enforced by a middleware in production; these tests are about the pages.
    settings.ENVCRIME_REQUIRE_STAFF_MFA = False
    staff = SuperuserFactory() if request.param == "superuser" else StaffFactory()
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 200  # also records the user session
    client.staff = staff
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(("model", "model_admin"), REGISTERED, ids=[model._meta.label for model, _admin in REGISTERED])
def test_admin_pages_open_for_staff(staff_client, model, model_admin):
    opts = model._meta
    info = (opts.app_label, opts.model_name)
    request = RequestFactory().get("/")
    request.user = staff_client.staff

    changelist = reverse("admin:{}_{}_changelist".format(*info))
    if not model_admin.has_view_permission(request):
        # Accounts' second factors and sessions are the superusers' business; the portal's own
        # models never are.
        assert not staff_client.staff.is_superuser and opts.app_label not in STAFF_APPS
        assert staff_client.get(changelist).status_code == 403
        return
    assert staff_client.get(changelist).status_code == 200
    if model_admin.get_search_fields(request):
        assert staff_client.get(changelist, {"q": "ke"}).status_code == 200

    if model_admin.has_add_permission(request):
        assert staff_client.get(reverse("admin:{}_{}_add".format(*info))).status_code == 200

    # What the admin lists for this account (programme staff do not see staff accounts).
    obj = object_for(model, staff_client.staff, model_admin.get_queryset(request))
    response = staff_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    assert response.status_code == 200
