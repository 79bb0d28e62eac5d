"""The ledger keeps itself append-only in the database.

Entries: what an entry records never changes (its id, account, points, type, key,
order, source, spend, details, batch, the debit it restores, expiry, reason and dates).
What the writer moves stays movable: a batch's ``remaining``; ``status`` only from
pending to available, and ``available_at`` only while the entry is pending (maturing);
``actor_user_id`` / ``actor_app_id`` only to NULL (Saleor deleting a staff user or an
app). Allocations never change.

Deleting an entry or an allocation is refused unless the transaction-local setting
``saleor_crm.ledger_purge`` is on, which only ``crm_loyalty_account_purge`` sets: stamping
an account's ``purged_at`` (done only by ``purge_ledger_on_channel_delete``, the
``on_delete`` of the account's channel) deletes its allocations and entries, then the
account itself may be deleted (``crm_loyalty_account_guard`` refuses an unstamped one).
A row trigger does not see TRUNCATE, a superuser's tool, not an application path.
"""

import django.db.models.deletion
import saleor_crm_plugin.loyalty.models
from django.db import migrations, models


LEDGER_TRIGGERS = """
CREATE FUNCTION crm_loyalty_entry_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('saleor_crm.ledger_purge', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'loyalty entry % cannot be deleted: the ledger is append-only', OLD.id
            USING ERRCODE = 'restrict_violation',
                  HINT = 'Only deleting the channel purges its ledger.';
    END IF;
    IF (NEW.id, NEW.account_id, NEW.points, NEW.type, NEW.idempotency_key, NEW.order_id,
        NEW.source_reference, NEW.spend_amount, NEW.details, NEW.batch_id, NEW.restores_id,
        NEW.expires_at, NEW.reason, NEW.created_at, NEW.occurred_at)
       IS DISTINCT FROM
       (OLD.id, OLD.account_id, OLD.points, OLD.type, OLD.idempotency_key, OLD.order_id,
        OLD.source_reference, OLD.spend_amount, OLD.details, OLD.batch_id, OLD.restores_id,
        OLD.expires_at, OLD.reason, OLD.created_at, OLD.occurred_at)
    THEN
        RAISE EXCEPTION 'loyalty entry % cannot change what it records: the ledger is append-only', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.status IS DISTINCT FROM OLD.status
       AND NOT (OLD.status = 'pending' AND NEW.status = 'available') THEN
        RAISE EXCEPTION 'loyalty entry % cannot go from % to %', OLD.id, OLD.status, NEW.status
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF NEW.available_at IS DISTINCT FROM OLD.available_at AND OLD.status <> 'pending' THEN
        RAISE EXCEPTION 'loyalty entry % is available: its available_at is fixed', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF (NEW.actor_user_id IS DISTINCT FROM OLD.actor_user_id AND NEW.actor_user_id IS NOT NULL)
       OR (NEW.actor_app_id IS DISTINCT FROM OLD.actor_app_id AND NEW.actor_app_id IS NOT NULL)
    THEN
        RAISE EXCEPTION 'loyalty entry % cannot change who made it', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER crm_loyalty_entry_append_only
BEFORE UPDATE OR DELETE ON saleor_crm_loyaltyentry
FOR EACH ROW EXECUTE FUNCTION crm_loyalty_entry_append_only();

CREATE FUNCTION crm_loyalty_allocation_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('saleor_crm.ledger_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'loyalty allocation % cannot be changed or deleted: the ledger is append-only', OLD.id
        USING ERRCODE = 'restrict_violation',
              HINT = 'Only deleting the channel purges its ledger.';
END
$$;

CREATE TRIGGER crm_loyalty_allocation_append_only
BEFORE UPDATE OR DELETE ON saleor_crm_loyaltyallocation
FOR EACH ROW EXECUTE FUNCTION crm_loyalty_allocation_append_only();

CREATE FUNCTION crm_loyalty_account_purge() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM set_config('saleor_crm.ledger_purge', 'on', true);
    DELETE FROM saleor_crm_loyaltyallocation a
    USING saleor_crm_loyaltyentry e
    WHERE e.account_id = NEW.id AND (a.entry_id = e.id OR a.batch_id = e.id);
    DELETE FROM saleor_crm_loyaltyentry WHERE account_id = NEW.id;
    PERFORM set_config('saleor_crm.ledger_purge', 'off', true);
    RETURN NULL;
END
$$;

CREATE TRIGGER crm_loyalty_account_purge
AFTER UPDATE OF purged_at ON saleor_crm_loyaltyaccount
FOR EACH ROW WHEN (OLD.purged_at IS NULL AND NEW.purged_at IS NOT NULL)
EXECUTE FUNCTION crm_loyalty_account_purge();

CREATE FUNCTION crm_loyalty_account_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.purged_at IS NULL THEN
        RAISE EXCEPTION 'loyalty account % cannot be deleted: its ledger is kept', OLD.id
            USING ERRCODE = 'restrict_violation',
                  HINT = 'A deleted customer''s account is kept, pseudonymised; '
                         'only deleting the channel purges its ledger.';
    END IF;
    RETURN OLD;
END
$$;

CREATE TRIGGER crm_loyalty_account_guard
BEFORE DELETE ON saleor_crm_loyaltyaccount
FOR EACH ROW EXECUTE FUNCTION crm_loyalty_account_guard();
"""

DROP_LEDGER_TRIGGERS = """
DROP TRIGGER crm_loyalty_account_guard ON saleor_crm_loyaltyaccount;
DROP FUNCTION crm_loyalty_account_guard();
DROP TRIGGER crm_loyalty_account_purge ON saleor_crm_loyaltyaccount;
DROP FUNCTION crm_loyalty_account_purge();
DROP TRIGGER crm_loyalty_allocation_append_only ON saleor_crm_loyaltyallocation;
DROP FUNCTION crm_loyalty_allocation_append_only();
DROP TRIGGER crm_loyalty_entry_append_only ON saleor_crm_loyaltyentry;
DROP FUNCTION crm_loyalty_entry_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("channel", "0027_channel_allow_legacy_gift_card_use"),
        ("saleor_crm", "0013_carts_offer_claim"),
    ]

    operations = [
        migrations.AddField(
            model_name="loyaltyaccount",
            name="purged_at",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="loyaltyaccount",
            name="channel",
            field=models.ForeignKey(
                on_delete=saleor_crm_plugin.loyalty.models.purge_ledger_on_channel_delete,
                related_name="+",
                to="channel.channel",
            ),
        ),
        migrations.AlterField(
            model_name="loyaltyallocation",
            name="batch",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="saleor_crm.loyaltyentry",
            ),
        ),
        migrations.AlterField(
            model_name="loyaltyallocation",
            name="entry",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="allocations",
                to="saleor_crm.loyaltyentry",
            ),
        ),
        migrations.AlterField(
            model_name="loyaltyentry",
            name="account",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="entries",
                to="saleor_crm.loyaltyaccount",
            ),
        ),
        migrations.AlterField(
            model_name="loyaltyentry",
            name="batch",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="saleor_crm.loyaltyentry",
            ),
        ),
        migrations.AlterField(
            model_name="loyaltyentry",
            name="restores",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="saleor_crm.loyaltyentry",
            ),
        ),
        migrations.RunSQL(LEDGER_TRIGGERS, DROP_LEDGER_TRIGGERS),
    ]
