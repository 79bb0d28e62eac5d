from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("saleor_crm", "0011_segments_hardening"),
    ]

    operations = [
        migrations.AddField(
            model_name="abandonedcheckout",
            name="round",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AddField(
            model_name="cartreminder",
            name="round",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.RemoveConstraint(
            model_name="cartreminder",
            name="crm_cart_reminder_stage_once",
        ),
        migrations.AddConstraint(
            model_name="cartreminder",
            constraint=models.UniqueConstraint(
                fields=("abandoned", "round", "stage"), name="crm_cart_reminder_stage_once"
            ),
        ),
    ]
