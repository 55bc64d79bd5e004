# Written by hand (makemigrations reminders --name reminder_scans, keeping only ReminderScan): the Digest
# fields being added at the same time belong to their own migration.

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("reminders", "0004_ladder_and_absence_rules"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReminderScan",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(unique=True)),
                ("finished_at", models.DateTimeField(default=django.utils.timezone.now)),
            ],
            options={
                "ordering": ["day"],
            },
        ),
    ]
