from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0003_userpreferences"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="contact",
            index=models.Index(fields=["name"], name="contact_name_idx"),
        ),
    ]
