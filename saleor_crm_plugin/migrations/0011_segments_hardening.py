import django.db.models.deletion
import saleor.core
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("app", "0001_initial"),
        ("order", "0001_initial"),
        ("saleor_crm", "0010_loyalty_orders_hardening"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SegmentOrderOwner",
            fields=[
                ("order_id", models.UUIDField(primary_key=True, serialize=False)),
                ("user_id", models.BigIntegerField()),
            ],
        ),
        # The owners of the orders that exist now: a later move is found against them.
        migrations.RunSQL(
            "INSERT INTO saleor_crm_segmentorderowner (order_id, user_id) "
            "SELECT id, user_id FROM order_order WHERE user_id IS NOT NULL",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.CreateModel(
            name="SegmentMembersExport",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Pending"),
                            ("success", "Success"),
                            ("failed", "Failed"),
                            ("deleted", "Deleted"),
                        ],
                        default="pending",
                        max_length=50,
                    ),
                ),
                ("message", models.CharField(blank=True, max_length=255, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "content_file",
                    models.FileField(
                        blank=True,
                        null=True,
                        storage=saleor.core.private_storage,
                        upload_to="crm_segment_exports",
                    ),
                ),
                (
                    "app",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="app.app",
                    ),
                ),
                (
                    "segment",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="saleor_crm.customersegment",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={"abstract": False},
        ),
    ]
