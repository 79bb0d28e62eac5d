# Consent per purpose, with its history (saleor_crm_plugin/consent/models.py).

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

PURPOSES = [
    ("email_marketing", "Marketing e-mail from the CRM"),
    ("profiling", "Segments, RFM groups and scores computed from the shopper's data"),
]
SOURCES = [
    ("customer", "Given or withdrawn by the customer"),
    ("staff", "Set by staff"),
    ("unsubscribe_link", "Unsubscribe link in a CRM message"),
    ("import", "Imported"),
]

# Every existing answer (all of them e-mail marketing) starts its purpose's history.
BACKFILL_HISTORY = """
INSERT INTO saleor_crm_consentevent
    (email, purpose, user_id, granted, source, actor, reason, created_at)
SELECT email, purpose, user_id, granted, source,
    CASE source WHEN 'customer' THEN 'customer' WHEN 'staff' THEN 'staff' ELSE 'system' END,
    '', updated_at
FROM saleor_crm_marketingconsent
"""


def _user_id_kept():
    return models.ForeignKey(
        blank=True,
        db_constraint=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=settings.AUTH_USER_MODEL,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0105_add_manage_customer_types_and_attributes_perm"),
        ("saleor_crm", "0022_journey_segment_left"),
    ]

    operations = [
        migrations.AddField(
            model_name="marketingconsent",
            name="purpose",
            field=models.CharField(choices=PURPOSES, default="email_marketing", max_length=32),
        ),
        migrations.AlterField(
            model_name="marketingconsent",
            name="email",
            field=models.EmailField(max_length=254),
        ),
        migrations.AddConstraint(
            model_name="marketingconsent",
            constraint=models.UniqueConstraint(
                fields=("email", "purpose"), name="crm_consent_email_purpose"
            ),
        ),
        migrations.AlterField(
            model_name="marketingconsent",
            name="user",
            field=_user_id_kept(),
        ),
        migrations.CreateModel(
            name="ConsentEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("email", models.EmailField(max_length=254)),
                ("purpose", models.CharField(choices=PURPOSES, max_length=32)),
                ("granted", models.BooleanField()),
                ("source", models.CharField(choices=SOURCES, max_length=32)),
                (
                    "actor",
                    models.CharField(
                        choices=[
                            ("customer", "The customer"),
                            ("staff", "A staff member"),
                            ("app", "An app"),
                            ("system", "The CRM (an unsubscribe link, an import)"),
                        ],
                        max_length=16,
                    ),
                ),
                ("reason", models.TextField(blank=True, default="")),
                (
                    "created_at",
                    models.DateTimeField(default=django.utils.timezone.now, editable=False),
                ),
                ("user", _user_id_kept()),
            ],
            options={
                "ordering": ("-created_at", "-pk"),
                "indexes": [
                    models.Index(fields=["email", "-created_at"], name="crm_consent_event_email"),
                    models.Index(fields=["user", "-created_at"], name="crm_consent_event_user"),
                ],
            },
        ),
        migrations.RunSQL(BACKFILL_HISTORY, migrations.RunSQL.noop),
    ]
