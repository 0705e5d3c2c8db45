"""Reads for the directory pages: a fixed number of queries however many rows there are."""

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from .countries import sorted_by_name
from .models import Contact, MemberCountry, Organisation, Region


def _active_contacts():
    return Contact.objects.filter(is_active=True).order_by("-is_primary", "name")


def member_countries_by_region() -> list[tuple[str, str, list[MemberCountry]]]:
    """[(region code, region label, countries)] in the order of `Region`, only regions with countries."""
    countries = MemberCountry.objects.active().prefetch_related(
        Prefetch(
            "networks",
            queryset=Organisation.objects.filter(kind=Organisation.Kind.REGIONAL_NETWORK, is_active=True),
        ),
        Prefetch("contacts", queryset=_active_contacts()),
    )
    by_region: dict[str, list[MemberCountry]] = {code: [] for code in Region.values}
    for country in sorted_by_name(countries):
        by_region[country.region].append(country)
    return [(code, Region(code).label, by_region[code]) for code in Region.values if by_region[code]]


KIND_HEADINGS = {
    Organisation.Kind.REGIONAL_NETWORK: _("Regional enforcement networks"),
    Organisation.Kind.INTERNATIONAL_ORGANISATION: _("International organisations"),
    Organisation.Kind.NGO: _("Non-governmental organisations"),
}


def organisations_by_kind() -> list[tuple[str, str, list[Organisation]]]:
    organisations = Organisation.objects.filter(is_active=True).prefetch_related(
        Prefetch("member_countries", queryset=MemberCountry.objects.order_by("name")),
        Prefetch("partners", queryset=Organisation.objects.order_by("short_name")),
        Prefetch("contacts", queryset=_active_contacts()),
    )
    by_kind: dict[str, list[Organisation]] = {code: [] for code in Organisation.Kind.values}
    for organisation in organisations.order_by("short_name"):
        # The reader's alphabetical order (the prefetch ordered them by the English names).
        organisation.sorted_member_countries = sorted_by_name(organisation.member_countries.all())
        by_kind[organisation.kind].append(organisation)
    return [
        (code, KIND_HEADINGS.get(code, Organisation.Kind(code).label), by_kind[code])
        for code in Organisation.Kind.values
        if by_kind[code]
    ]
