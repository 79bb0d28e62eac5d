"""Every loyalty account gets a member code (``loyalty.member_codes``).

The column is added nullable, existing accounts are given random codes in batches
(``bulk_update`` of accounts only: the ledger's triggers guard entries and allocations,
and on accounts only the delete and the ``purged_at`` stamp), then it becomes unique and
non-null. The fill remembers every code it handed out and draws again on a repeat.
"""

from django.db import migrations, models

import saleor_crm_plugin.loyalty.member_codes

BATCH_SIZE = 1000


def fill_member_codes(apps, _schema_editor):
    account_model = apps.get_model("saleor_crm", "LoyaltyAccount")
    seen = set(
        account_model.objects.filter(member_code__isnull=False).values_list(
            "member_code", flat=True
        )
    )
    while True:
        batch = list(
            account_model.objects.filter(member_code__isnull=True).order_by("pk")[:BATCH_SIZE]
        )
        if not batch:
            return
        for account in batch:
            code = saleor_crm_plugin.loyalty.member_codes.member_code_generate()
            while code in seen:
                code = saleor_crm_plugin.loyalty.member_codes.member_code_generate()
            seen.add(code)
            account.member_code = code
        account_model.objects.bulk_update(batch, ["member_code"])


class Migration(migrations.Migration):
    dependencies = [
        ("saleor_crm", "0014_ledger_append_only"),
    ]

    operations = [
        migrations.AddField(
            model_name="loyaltyaccount",
            name="member_code",
            field=models.CharField(max_length=10, null=True),
        ),
        migrations.RunPython(fill_member_codes, migrations.RunPython.noop, elidable=True),
        migrations.AlterField(
            model_name="loyaltyaccount",
            name="member_code",
            field=models.CharField(
                default=saleor_crm_plugin.loyalty.member_codes.member_code_generate,
                max_length=10,
                unique=True,
            ),
        ),
    ]
