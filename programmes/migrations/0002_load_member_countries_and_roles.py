"""Load the 190 member countries of May 2013 and create the portal's three role groups.

The CSV in programmes/data/ lists today's 196 members; rows with `joined_after_2013` filled in
are later members, which staff add in the admin (membership changes are data, not migrations).
"""

import csv
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "member_countries.csv"

REGION_CODES = {
    "Africa": "africa",
    "Americas": "americas",
    "Asia and South Pacific": "asia_south_pacific",
    "Europe": "europe",
    "Middle East and North Africa": "mena",
}

ROLE_PERMISSIONS = {
    # Programme staff run everything through the admin.
    "Programme staff": None,
    "Liaison": [],
    "Delegate": [],
}


def member_countries_2013():
    with DATA_FILE.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if not row["joined_after_2013"].strip():
                yield row


def load_member_countries(apps, schema_editor):
    MemberCountry = apps.get_model("programmes", "MemberCountry")
    MemberCountry.objects.bulk_create(
        [
            MemberCountry(
                name=row["name"],
                iso2=row["iso2"],
                iso3=row["iso3"],
                region=REGION_CODES[row["region"]],
                is_active=True,
            )
            for row in member_countries_2013()
        ],
        ignore_conflicts=True,
    )


def unload_member_countries(apps, schema_editor):
    MemberCountry = apps.get_model("programmes", "MemberCountry")
    MemberCountry.objects.filter(iso2__in=[row["iso2"] for row in member_countries_2013()]).delete()


def create_role_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLE_PERMISSIONS:
        Group.objects.get_or_create(name=name)


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=list(ROLE_PERMISSIONS)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(load_member_countries, unload_member_countries),
        migrations.RunPython(create_role_groups, remove_role_groups),
    ]
