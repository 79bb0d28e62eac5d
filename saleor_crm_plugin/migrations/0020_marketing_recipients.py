import uuid

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("saleor_crm", "0019_journeys"),
    ]

    operations = [
        migrations.CreateModel(
            name="MarketingRecipient",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("email", models.EmailField(max_length=254, unique=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
        ),
    ]
