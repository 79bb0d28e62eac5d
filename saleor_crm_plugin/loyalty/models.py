"""Loyalty ledger: accounts, their append-only entries, and tier history.

Design (after django-hordak and Saleor's ``TransactionEvent``):

* A ``LoyaltyAccount`` exists per customer per channel: each channel is its own
  programme with its own currency and rules.
* A ``LoyaltyEntry`` is one signed integer movement of points. The database keeps
  ``idempotency_key`` unique, so a retried or replayed event finds the entry it already
  wrote, and keeps entries and allocations append-only (the ``ledger_append_only``
  migration's triggers): what an entry records (points, type, account, key, source,
  dates) never changes; only a batch's ``remaining`` moves, and a pending entry's
  ``status`` and ``available_at`` when it matures.
* ``status`` is ``pending`` (earned but inside the return window) or ``available``.
  Maturing flips an entry's status once, from pending to available, together with
  any pending reversal of the same batch.
* The account's stored ``balance`` always equals the sum of its available entries and
  ``pending`` the sum of its pending ones (``audit.ledger_audit``, run by
  ``manage.py crm_loyalty_audit``, and the tests check it); both
  move with ``F()`` in the same transaction as the entry, under the account's row lock,
  by the one writer ``loyalty.ledger.post_entry``.
* Credits (earn, bonus, positive adjust) are batches: ``remaining`` is what is left of
  the batch after spending took the oldest first (FIFO); expiry takes what remains.
  The sum of ``remaining`` over available batches equals ``max(balance, 0)``.
* Every move of a batch's ``remaining`` is a ``LoyaltyAllocation`` of the entry that
  made it: a debit taking points from a batch (positive), a release giving them back
  to the batch they came from (negative, the release's ``restores`` names its debit),
  a credit's own points repaying debt (the credit allocated to itself). So every
  available credit's ``remaining`` equals its points, less what it gave to other
  batches, less what was allocated from it: derivable from entries alone.
* A deleted customer's accounts stay, pseudonymised: ``user`` becomes null and
  ``anonymised_at`` records when, in the same transaction as Saleor's deletion, so the
  points liability and every report keep their sums. Entries and allocations are
  deleted only with their account, when its channel is deleted: the one purge path
  (``purge_ledger_on_channel_delete``); the database refuses any other deletion.
* ``created_at`` is when the entry was written (the audit trail); ``occurred_at`` is
  when what it records happened (an order's payment, even when a backfill writes it
  years later). Rolling tier windows count by ``occurred_at``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Now
from django.utils import timezone

from . import member_codes


class EntryType:
    EARN = "earn"
    REVERSE = "reverse"
    REDEEM = "redeem"
    RELEASE = "release"
    EXPIRE = "expire"
    ADJUST = "adjust"
    BONUS = "bonus"

    CHOICES = [
        (EARN, "Earned on a paid order"),
        (REVERSE, "Reversed on a refund or cancellation"),
        (REDEEM, "Redeemed at checkout"),
        (RELEASE, "Reservation released"),
        (EXPIRE, "Expired"),
        (ADJUST, "Adjusted by staff"),
        (BONUS, "Bonus"),
    ]


class EntryStatus:
    PENDING = "pending"
    AVAILABLE = "available"

    CHOICES = [(PENDING, "Pending"), (AVAILABLE, "Available")]


def anonymise_on_user_delete(collector, field, sub_objs, using):
    """``on_delete`` of an account's user: keep the account, without the customer.

    Like ``SET_NULL``, and stamps ``anonymised_at`` in the same deletion. The stamp is
    queued first (its queryset still finds the accounts by user) and with one constant
    value (``Now()``), so every batch of a bulk deletion keeps that order.
    """
    collector.add_field_update(sub_objs.model._meta.get_field("anonymised_at"), Now(), sub_objs)
    collector.add_field_update(field, None, sub_objs)


anonymise_on_user_delete.lazy_sub_objs = True


def purge_ledger_on_channel_delete(collector, field, sub_objs, using):
    """``on_delete`` of an account's channel: the one purge path of the ledger.

    Like ``CASCADE`` for the accounts (and their redemptions, notices and tier changes),
    and first stamps their ``purged_at`` in the same deletion: the database trigger
    ``crm_loyalty_account_purge`` then deletes the accounts' allocations and entries,
    which it refuses to delete any other way, and ``crm_loyalty_account_guard`` refuses
    to delete an account that was not stamped. Django runs field updates before it
    deletes rows, and never reaches the entries itself (their ``on_delete`` is
    ``DO_NOTHING``), so the entries are gone before their accounts.
    """
    collector.add_field_update(sub_objs.model._meta.get_field("purged_at"), Now(), sub_objs)
    models.CASCADE(collector, field, sub_objs, using)


class LoyaltyAccount(models.Model):
    # Null once the customer was deleted (``anonymised_at`` says when).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=anonymise_on_user_delete,
        null=True,
        blank=True,
        related_name="+",
    )
    channel = models.ForeignKey(
        "channel.Channel", on_delete=purge_ledger_on_channel_delete, related_name="+"
    )
    balance = models.BigIntegerField(default=0)
    pending = models.BigIntegerField(default=0)
    lifetime_points = models.BigIntegerField(default=0)
    tier_name = models.CharField(max_length=64, blank=True, default="")
    tier_changed_at = models.DateTimeField(null=True, blank=True)
    # What staff or a POS type or scan at the till (``member_codes``): random, unique.
    member_code = models.CharField(
        max_length=member_codes.LENGTH, unique=True, default=member_codes.member_code_generate
    )
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Set only in the transaction that deletes the account with its channel: the
    # database then purges its entries (``purge_ledger_on_channel_delete``).
    purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "channel"], name="crm_loyalty_account_user_channel"
            ),
            models.CheckConstraint(
                condition=Q(pending__gte=0), name="crm_loyalty_account_pending_gte_0"
            ),
        ]
        indexes = [
            models.Index(fields=["channel", "balance"], name="crm_loyalty_acc_ch_bal"),
            models.Index(fields=["channel", "lifetime_points"], name="crm_loyalty_acc_ch_life"),
        ]

    def __str__(self):
        return f"LoyaltyAccount(user={self.user_id}, channel={self.channel_id})"


class LoyaltyEntry(models.Model):
    # Entries are deleted by the database alone, in the purge of a deleted channel's
    # accounts (``purge_ledger_on_channel_delete``): Django never cascades to them.
    account = models.ForeignKey(LoyaltyAccount, on_delete=models.DO_NOTHING, related_name="entries")
    points = models.BigIntegerField()
    type = models.CharField(max_length=16, choices=EntryType.CHOICES)
    status = models.CharField(max_length=16, choices=EntryStatus.CHOICES)
    idempotency_key = models.CharField(max_length=255, unique=True)
    # The Saleor objects it came from. Orders are kept by id, not by foreign key:
    # the ledger must outlive a deleted order.
    order_id = models.UUIDField(null=True, blank=True, db_index=True)
    source_reference = models.CharField(max_length=255, blank=True, default="")
    # Spend attributed to this entry in the channel currency (earn: eligible amount;
    # reverse: the refunded share, negative). Tiers on spend sum it over a window.
    spend_amount = models.DecimalField(max_digits=20, decimal_places=3, default=0)
    # Earn entries keep how the eligible amount split over order lines (line id ->
    # eligible amount as a string) so a refund of some lines reverses their share.
    details = models.JSONField(default=dict, blank=True)
    # The batch a debit targets first (a reversal's earn, an expiry's batch). Entries
    # of an account are deleted only all together (the channel's purge).
    batch = models.ForeignKey(
        "self", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+"
    )
    # A release: the debit whose points it gives back to their batches.
    restores = models.ForeignKey(
        "self", on_delete=models.DO_NOTHING, null=True, blank=True, related_name="+"
    )
    remaining = models.BigIntegerField(default=0)
    available_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
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
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.CheckConstraint(
                condition=~Q(points=0), name="crm_loyalty_entry_points_not_zero"
            ),
            models.CheckConstraint(
                condition=Q(remaining__gte=0), name="crm_loyalty_entry_remaining_gte_0"
            ),
            # Only a credit holds points to spend, and never more than it brought.
            models.CheckConstraint(
                condition=Q(remaining=0) | Q(remaining__lte=F("points")),
                name="crm_loyalty_entry_remaining_lte_points",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "-created_at"], name="crm_loyalty_ent_acc"),
            models.Index(
                fields=["account", "expires_at", "created_at"],
                name="crm_loyalty_ent_open",
                condition=Q(remaining__gt=0, status=EntryStatus.AVAILABLE),
            ),
            models.Index(fields=["account", "occurred_at"], name="crm_loyalty_ent_acc_occ"),
            models.Index(
                fields=["available_at"],
                name="crm_loyalty_ent_maturing",
                condition=Q(status=EntryStatus.PENDING),
            ),
            models.Index(
                fields=["expires_at"],
                name="crm_loyalty_ent_expiring",
                condition=Q(remaining__gt=0),
            ),
        ]

    def __str__(self):
        return f"LoyaltyEntry({self.type} {self.points:+d}, {self.idempotency_key})"


class LoyaltyAllocation(models.Model):
    """Points an entry moved out of (positive) or back into (negative) one batch.

    Written by the ledger writer with the entry, never changed (the database refuses
    any UPDATE, and any DELETE outside the channel's purge): a debit's share of each
    batch it consumed, a release's share given back to each batch its debit consumed,
    or the points of a credit that repaid debt (``entry`` is ``batch``).
    """

    # Found by entry through the unique constraint's index, by batch through its own.
    entry = models.ForeignKey(
        LoyaltyEntry, on_delete=models.DO_NOTHING, related_name="allocations", db_index=False
    )
    batch = models.ForeignKey(LoyaltyEntry, on_delete=models.DO_NOTHING, related_name="+")
    points = models.BigIntegerField()

    class Meta:
        ordering = ("pk",)
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "batch"], name="crm_loyalty_allocation_entry_batch"
            ),
            models.CheckConstraint(
                condition=~Q(points=0), name="crm_loyalty_allocation_points_not_zero"
            ),
        ]

    def __str__(self):
        return f"LoyaltyAllocation({self.entry_id} -> {self.batch_id}: {self.points:+d})"


class LoyaltyTierChange(models.Model):
    account = models.ForeignKey(
        LoyaltyAccount, on_delete=models.CASCADE, related_name="tier_changes"
    )
    from_tier = models.CharField(max_length=64, blank=True, default="")
    to_tier = models.CharField(max_length=64, blank=True, default="")
    basis_value = models.DecimalField(max_digits=20, decimal_places=3)
    reason = models.CharField(max_length=255)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("-created_at", "-pk")


class CustomerProfile(models.Model):
    """What the CRM keeps about a customer that Saleor does not (birthday)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    birthday = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)


class LoyaltyProgramStart(models.Model):
    """When a channel's programme started.

    Customers who registered since get the sign-up bonus when their account opens
    (``accounts.account_get_or_create``).
    """

    channel = models.OneToOneField(
        "channel.Channel", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    started_at = models.DateTimeField(default=timezone.now)


class LoyaltyNotice(models.Model):
    """A notification sent once (expiry warnings); the key makes it once."""

    account = models.ForeignKey(LoyaltyAccount, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)


class RedemptionStatus:
    ACTIVE = "active"
    SPENT = "spent"
    RELEASED = "released"

    CHOICES = [(ACTIVE, "Reserved"), (SPENT, "Spent on an order"), (RELEASED, "Released")]


class LoyaltyRedemption(models.Model):
    """Points reserved for one checkout, paid out as a gift card (docs/architecture.md §4a).

    The ``REDEEM`` entry (``redeem:<pk>``) reserves the points; settling the
    redemption once spends what the card paid of an order and releases the rest
    (``release:<pk>``). At most one redemption of a checkout is active; re-applying
    points settles the active one first. Checkouts, gift cards and orders are kept
    by id, not by foreign key: Saleor deletes checkouts, the ledger outlives them.
    """

    account = models.ForeignKey(
        LoyaltyAccount, on_delete=models.CASCADE, related_name="redemptions"
    )
    checkout_token = models.UUIDField(db_index=True)
    points = models.BigIntegerField()
    value = models.DecimalField(max_digits=20, decimal_places=3)
    currency = models.CharField(max_length=3)
    gift_card_id = models.IntegerField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=16, choices=RedemptionStatus.CHOICES, default=RedemptionStatus.ACTIVE
    )
    spent_points = models.BigIntegerField(default=0)
    order_id = models.UUIDField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=["checkout_token"],
                condition=Q(status=RedemptionStatus.ACTIVE),
                name="crm_loyalty_redemption_one_active",
            ),
            models.CheckConstraint(
                condition=Q(points__gt=0), name="crm_loyalty_redemption_points_gt_0"
            ),
            models.CheckConstraint(
                condition=Q(spent_points__gte=0, spent_points__lte=F("points")),
                name="crm_loyalty_redemption_spent_lte_points",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="crm_loyalty_red_active",
                condition=Q(status=RedemptionStatus.ACTIVE),
            ),
        ]

    def __str__(self):
        return f"LoyaltyRedemption({self.points} points, checkout {self.checkout_token})"


class LoyaltyOrderScan(models.Model):
    """How far the scan of a channel's orders has read, while its programme is off.

    Saleor calls no hook of a plugin deactivated in a channel, so the refunds and
    cancellations of orders that earned or spent points there are found by a periodic
    scan of the orders changed since ``scanned_until``.
    """

    channel = models.OneToOneField("channel.Channel", on_delete=models.CASCADE, related_name="+")
    scanned_until = models.DateTimeField()

    def __str__(self):
        return f"channel {self.channel_id}: {self.scanned_until.isoformat()}"
