"""Stores: what the CRM records of shoppers in Saleor's warehouses.

Saleor's warehouses are the stores (docs/stores.md): nothing here copies a warehouse.
Each record keeps the warehouse's name as a snapshot beside a nullable foreign key, as
Saleor's ``Order.collection_point_name`` does, so a deleted store stays readable.

* ``StorePurchase``: one purchase at a till (a Stripe Terminal payment, or one a POS
  recorded through ``storePurchaseRecord``), unique per ``(source, external_id)``.
  ``user`` is who it is linked to, or null; each link and unlink is a
  ``StorePurchaseLink`` row (the audit: who, how, when), and the points a link earns
  carry that row's id in their idempotency key, so a purchase unlinked and linked to
  someone else earns again for them while the first earn is reversed.
* ``StoreRefund``: what a source reports refunded of one of its payments, as a running
  total (Stripe's ``amount_refunded``), kept even when the refund arrives before its
  purchase; the purchase reads it when it comes.
* ``StorePurchaseClaim``: a shopper's claim of a receipt, with the one-time code sent to
  their e-mail stored as a hash (``stores/claims.py``).
* ``StorePurchaseClaimRefusal``: a claim refused after its receipt code was looked up
  (unknown, out of the claim window, already linked): it counts towards the shopper's
  daily limit with the claims, so receipt codes cannot be tried without end.
* ``StoreCardRecognition``: a shopper's opt-in to having later purchases with the same
  card recognised (the card's fingerprint, an opaque value the payment provider gives).
* ``StorePickup``: when a click & collect order was picked up (Saleor's order keeps
  which store: ``collection_point``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class PurchaseSource:
    STRIPE = "stripe"
    API = "api"

    CHOICES = [(STRIPE, "Stripe Terminal"), (API, "Recorded through the API")]


class LinkMethod:
    MEMBER_CODE = "member_code"
    EMAIL = "email"
    PHONE = "phone"
    CLAIM = "claim"
    CARD = "card"
    STAFF = "staff"

    CHOICES = [
        (MEMBER_CODE, "Member code at the till"),
        (EMAIL, "E-mail at the till"),
        (PHONE, "Phone number at the till"),
        (CLAIM, "Claimed by the shopper with the receipt"),
        (CARD, "Recognised card"),
        (STAFF, "Linked by staff"),
    ]


class LinkAction:
    LINK = "link"
    UNLINK = "unlink"

    CHOICES = [(LINK, "Linked"), (UNLINK, "Unlinked")]


class StorePurchase(models.Model):
    channel = models.ForeignKey("channel.Channel", on_delete=models.CASCADE, related_name="+")
    warehouse = models.ForeignKey(
        "warehouse.Warehouse", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    warehouse_name = models.CharField(max_length=250, blank=True, default="")
    source = models.CharField(max_length=16, choices=PurchaseSource.CHOICES)
    external_id = models.CharField(max_length=255)
    # Printed on the receipt; with a one-time code it lets the shopper claim the purchase.
    receipt_code = models.CharField(max_length=16, unique=True)
    amount = models.DecimalField(max_digits=20, decimal_places=3)
    currency = models.CharField(max_length=3)
    purchased_at = models.DateTimeField()
    # No constraint: a deleted customer's id stays, a pseudonym no row points to any
    # more, so storeReport's linked purchases and customers keep their counts; the
    # erasure task (privacy/erasure.py) finds their purchases by it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # Opaque card fingerprint from the payment provider (never a card number).
    card_fingerprint = models.CharField(max_length=64, blank=True, default="")
    # [{"sku", "name", "quantity", "amount"}] when the source sends lines.
    lines = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="crm_store_purchase_source_ext"
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="crm_store_purchase_amount_gt_0"
            ),
        ]
        indexes = [
            models.Index(fields=["channel", "-purchased_at"], name="crm_store_pur_ch_time"),
            models.Index(fields=["user", "channel"], name="crm_store_pur_user"),
            models.Index(fields=["warehouse", "-purchased_at"], name="crm_store_pur_wh_time"),
            models.Index(
                fields=["channel", "card_fingerprint"],
                name="crm_store_pur_card",
                condition=~Q(card_fingerprint=""),
            ),
        ]

    def __str__(self):
        return f"StorePurchase({self.source}:{self.external_id})"


class StorePurchaseLink(models.Model):
    """One link or unlink of a purchase: the audit trail, never changed."""

    purchase = models.ForeignKey(StorePurchase, on_delete=models.CASCADE, related_name="links")
    action = models.CharField(max_length=8, choices=LinkAction.CHOICES)
    # No constraint, as ``StorePurchase.user``: erasure finds a deleted customer's links.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    method = models.CharField(max_length=16, choices=LinkMethod.CHOICES, blank=True, default="")
    reason = models.TextField(blank=True, default="")
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_app = models.ForeignKey(
        "app.App", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["purchase", "-created_at"], name="crm_store_link_pur"),
            # The segments' hourly refresh finds links made since its last pass.
            models.Index(fields=["created_at"], name="crm_store_link_created"),
        ]


class StoreRefund(models.Model):
    """The running total a source reports refunded of one payment."""

    source = models.CharField(max_length=16, choices=PurchaseSource.CHOICES)
    external_id = models.CharField(max_length=255)
    amount = models.DecimalField(max_digits=20, decimal_places=3)
    currency = models.CharField(max_length=3)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="crm_store_refund_source_ext"
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="crm_store_refund_amount_gte_0"
            ),
        ]
        # The segments' hourly refresh finds refunds since its last pass.
        indexes = [models.Index(fields=["updated_at"], name="crm_store_refund_updated")]


class StorePurchaseClaim(models.Model):
    purchase = models.ForeignKey(StorePurchase, on_delete=models.CASCADE, related_name="claims")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # HMAC-SHA256 (keyed by SECRET_KEY) of the claim's id and its one-time code; empty
    # until the code is sent. The code itself is only e-mailed (stores/claim_codes.py).
    code_hash = models.CharField(max_length=64)
    attempts = models.PositiveSmallIntegerField(default=0)
    remember_card = models.BooleanField(default=False)
    expires_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-created_at"], name="crm_store_claim_user"),
        ]


class StorePurchaseClaimRefusal(models.Model):
    """A claim refused after the lookup of its receipt code: counted in the daily limit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The StoreErrorCode value it was refused with.
    reason = models.CharField(max_length=32)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-created_at"], name="crm_store_claim_refusal_user"),
        ]


class StoreCardRecognition(models.Model):
    """A shopper agreed that later purchases with this card link to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey("channel.Channel", on_delete=models.CASCADE, related_name="+")
    card_fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel", "card_fingerprint"], name="crm_store_card_unique"
            ),
        ]
        indexes = [models.Index(fields=["channel", "card_fingerprint"], name="crm_store_card_fp")]


class StorePickup(models.Model):
    """When a click & collect order was picked up.

    The order itself is credited to its store by Saleor's own ``Order.collection_point``
    (and ``collection_point_name`` once the warehouse is gone): nothing is copied. Saleor
    has no "picked up" status; the first fulfilment approved (or the order fulfilled)
    is the pickup.
    """

    order_id = models.UUIDField(primary_key=True)
    picked_up_at = models.DateTimeField()
