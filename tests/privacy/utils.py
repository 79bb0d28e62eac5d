"""A customer with something in every CRM table, and the checks privacy tests share.

``crm_history`` gives a customer points earned and spent, a birthday, a tag, RFM
scores, both consent purposes and an unsubscribe pseudonym, a signed-in abandoned
checkout with reminders and an offer plus a guest one under the same address, a journey
enrollment with a message, store purchases linked (one unlinked
with a reason naming them), a receipt claim, a refused claim and a recognised card.
``personal_data_found`` looks for a value in every text and JSON column of every CRM
table (from ``information_schema``, so tables added later are searched too).
"""

import datetime
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from saleor_crm_plugin.consent.actions import consent_set, marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentPurpose, ConsentSource, MarketingRecipient
from saleor_crm_plugin.journeys.models import Journey, JourneyEnrollment, JourneyMessage
from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.models import CustomerProfile, EntryType
from saleor_crm_plugin.segments.actions import customer_tags_add
from saleor_crm_plugin.segments.models import CustomerRfm
from saleor_crm_plugin.stores.models import (
    LinkMethod,
    StoreCardRecognition,
    StorePurchaseClaim,
    StorePurchaseClaimRefusal,
)
from saleor_crm_plugin.stores.purchases import Actor, store_purchase_link, store_purchase_unlink
from tests.fixtures.cart_offers import (
    AbandonedCheckoutFactory,
    CartRecoveryOfferFactory,
    reminders_add,
)
from tests.fixtures.stores import record_purchase

CRM_TABLE_PREFIX = "saleor\\_crm\\_%"
TEXT_TYPES = ("text", "character varying", "json", "jsonb")


def crm_history(customer, channel, store, *, key: str) -> None:
    """Rows of ``customer`` in every CRM table (``key`` keeps their unique keys apart)."""
    now = timezone.now()
    account = account_get_or_create(user_id=customer.pk, channel_id=channel.pk)
    post_entry(
        account=account, points=100, entry_type=EntryType.EARN, idempotency_key=f"earn:{key}"
    )
    post_entry(
        account=account, points=-30, entry_type=EntryType.REDEEM, idempotency_key=f"redeem:{key}"
    )
    CustomerProfile.objects.create(user=customer, birthday=datetime.date(1990, 5, 17))
    customer_tags_add(user=customer, tags=["vip"])
    CustomerRfm.objects.create(
        user=customer,
        channel=channel,
        recency=5,
        frequency=4,
        monetary=3,
        group="champions",
        last_order_at=now,
        order_count=2,
        total_spent=Decimal("80.000"),
    )
    marketing_consent_set(
        email=customer.email, granted=True, source=ConsentSource.CUSTOMER, user_id=customer.pk
    )
    consent_set(
        email=customer.email,
        purpose=ConsentPurpose.PROFILING,
        granted=True,
        source=ConsentSource.CUSTOMER,
        user_id=customer.pk,
    )
    signed_in = AbandonedCheckoutFactory(channel=channel, email=customer.email, user=customer)
    reminders_add(signed_in, [1, 2])
    CartRecoveryOfferFactory(abandoned=signed_in, code=f"CART-{key}")
    guest = AbandonedCheckoutFactory(channel=channel, email=customer.email)
    reminders_add(guest, [1])
    journey, _ = Journey.objects.get_or_create(
        channel=channel, name="Thank you", defaults={"kind": "post_purchase"}
    )
    enrollment = JourneyEnrollment.objects.create(
        journey=journey,
        user=customer,
        email=customer.email,
        trigger_key=f"order:{key}",
        triggered_at=now,
        entered_at=now,
    )
    JourneyMessage.objects.create(
        enrollment=enrollment, stage=1, email=customer.email, claimed_at=now, sent_at=now
    )
    MarketingRecipient.objects.create(email=customer.email)
    linked = record_purchase(
        store, channel, external_id=f"till:{key}:1", card_fingerprint=f"fp_{key}"
    )
    store_purchase_link(
        purchase_id=linked.pk, user_id=customer.pk, method=LinkMethod.EMAIL, actor=Actor()
    )
    unlinked = record_purchase(store, channel, external_id=f"till:{key}:2")
    store_purchase_link(
        purchase_id=unlinked.pk, user_id=customer.pk, method=LinkMethod.STAFF, actor=Actor()
    )
    store_purchase_unlink(
        purchase_id=unlinked.pk,
        reason=f"{customer.first_name} {customer.last_name} says it was not theirs",
        actor=Actor(),
    )
    claimed = record_purchase(store, channel, external_id=f"till:{key}:3")
    StorePurchaseClaim.objects.create(
        purchase=claimed,
        user=customer,
        code_hash="0" * 64,
        expires_at=now + datetime.timedelta(minutes=15),
    )
    StorePurchaseClaimRefusal.objects.create(user=customer, reason="not_found")
    StoreCardRecognition.objects.create(
        user=customer, channel=channel, card_fingerprint=f"fp_{key}"
    )


def crm_text_columns() -> list[tuple[str, str]]:
    """(table, column) of every text, varchar and JSON column of the CRM's tables."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name LIKE %s "
            "AND data_type = ANY(%s) ORDER BY 1, 2",
            [CRM_TABLE_PREFIX, list(TEXT_TYPES)],
        )
        return cursor.fetchall()


def personal_data_found(*values: str) -> list[tuple[str, str, str]]:
    """(table, column, value) wherever one of ``values`` appears in a CRM text column."""
    found = []
    with connection.cursor() as cursor:
        for table, column in crm_text_columns():
            for value in values:
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}"::text ILIKE %s',
                    [f"%{value}%"],
                )
                if cursor.fetchone()[0]:
                    found.append((table, column, value))
    return found
