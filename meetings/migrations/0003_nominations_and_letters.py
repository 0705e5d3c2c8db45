"""Nominations and verifiable invitation letters.

Registrations that exist already were accepted under the old rule (no endorsement). Existing
confirmed and waitlisted registrations are marked as approved by programme staff
(`vetted_by_staff`) so that the letters already issued keep working and waitlisted delegates can
still be promoted; every existing row gets its own random letter reference.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import meetings.models


def mark_existing_registrations(apps, schema_editor):
    Registration = apps.get_model("meetings", "Registration")
    Registration.objects.filter(status__in=["confirmed", "waitlisted"]).update(vetted_by_staff=True)
    for registration in Registration.objects.filter(letter_reference__isnull=True).only("pk").iterator():
        registration.letter_reference = meetings.models.new_letter_reference()
        registration.save(update_fields=["letter_reference"])


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_visit_time_zone_and_registration_checks"),
        ("programmes", "0002_load_member_countries_and_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="agency",
            field=models.CharField(
                blank=True,
                help_text="The service within the ministry, e.g. the national wildlife service.",
                max_length=200,
                verbose_name="agency",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="endorsed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="endorsed at"),
        ),
        migrations.AddField(
            model_name="registration",
            name="endorsed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="endorsed by",
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="endorsed_by_staff",
            field=models.BooleanField(
                default=False, editable=False, verbose_name="endorsed by staff on the country's behalf"
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="letter_reference",
            field=models.CharField(
                editable=False, max_length=32, null=True, verbose_name="invitation letter reference"
            ),
        ),
        migrations.AddField(
            model_name="registration",
            name="vetted_by_staff",
            field=models.BooleanField(default=False, editable=False, verbose_name="approved by programme staff"),
        ),
        migrations.AlterField(
            model_name="registration",
            name="status",
            field=models.CharField(
                choices=[
                    ("nominated", "Awaiting endorsement"),
                    ("pending", "Pending approval"),
                    ("confirmed", "Confirmed"),
                    ("waitlisted", "On the waiting list"),
                    ("declined", "Declined"),
                    ("cancelled", "Cancelled"),
                ],
                db_index=True,
                max_length=12,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="registrationstatuschange",
            name="from_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("nominated", "Awaiting endorsement"),
                    ("pending", "Pending approval"),
                    ("confirmed", "Confirmed"),
                    ("waitlisted", "On the waiting list"),
                    ("declined", "Declined"),
                    ("cancelled", "Cancelled"),
                ],
                max_length=12,
                verbose_name="from",
            ),
        ),
        migrations.AlterField(
            model_name="registrationstatuschange",
            name="to_status",
            field=models.CharField(
                choices=[
                    ("nominated", "Awaiting endorsement"),
                    ("pending", "Pending approval"),
                    ("confirmed", "Confirmed"),
                    ("waitlisted", "On the waiting list"),
                    ("declined", "Declined"),
                    ("cancelled", "Cancelled"),
                ],
                max_length=12,
                verbose_name="to",
            ),
        ),
        migrations.RunPython(mark_existing_registrations, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="registration",
            name="letter_reference",
            field=models.CharField(
                default=meetings.models.new_letter_reference,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="invitation letter reference",
            ),
        ),
        migrations.AddConstraint(
            model_name="registration",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["confirmed", "waitlisted"]), _negated=True),
                    ("endorsed_at__isnull", False),
                    ("vetted_by_staff", True),
                    _connector="OR",
                ),
                name="registration_seat_needs_vetting",
            ),
        ),
    ]
