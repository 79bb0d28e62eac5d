"""Abandoned-cart recovery state, kept apart from Saleor's checkout.

Saleor owns ``Checkout`` and deletes it when it grows old, so nothing here has a
foreign key to it: an ``AbandonedCheckout`` is keyed by the checkout's token and
copies what reports need (channel, shopper, total) when the sweep looks at it. The
CRM never writes to Saleor's checkout.

``CartReminder`` is one stage of the reminder sequence for one abandoned checkout.
A stage is *claimed* by inserting its row (unique per checkout, round and stage) before
any message leaves; a replayed sweep or a crash between the insert and the send therefore
never sends the same stage twice. The row then records the outcome: sent, skipped
(with the suppression reason) or failed.

A *round* is one run of the stages. A checkout changed after its round ran out (all
stages claimed, or the row closed as expired, suppressed or purchased elsewhere: the
shopper refilled it and left it again) starts a new round from the first stage.

``CartDetectionCursor`` remembers, per channel, up to which ``last_change`` detection
has looked, so that each sweep reads only the checkouts that crossed the first stage's
delay since the previous one (plus an overlap for transactions that committed late).

``CartRecoveryOffer`` is the one-time voucher code offered at an offer stage, bound to
the shopper's e-mail; at most one is live per shopper.
"""

from django.conf import settings
from django.db import models

# The kinds of stage are part of the configuration language (cart_recovery_stages).
from ..config.carts import ReminderKind  # noqa: F401


class AbandonedStatus:
    OPEN = "open"
    RECOVERED = "recovered"
    COMPLETED = "completed"
    PURCHASED_ELSEWHERE = "purchased_elsewhere"
    SUPPRESSED = "suppressed"
    EXPIRED = "expired"

    CHOICES = [
        (OPEN, "Open: reminders may follow"),
        (RECOVERED, "Completed after at least one reminder"),
        (COMPLETED, "Completed before any reminder"),
        (PURCHASED_ELSEWHERE, "The shopper ordered otherwise"),
        (SUPPRESSED, "No consent or unsubscribed"),
        (EXPIRED, "Checkout gone or all stages done"),
    ]
    # Closed, but a later change of the checkout starts a new round (no order has its token).
    REOPENABLE = (PURCHASED_ELSEWHERE, SUPPRESSED, EXPIRED)


class ReminderStatus:
    CLAIMED = "claimed"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    RETRY = "retry"

    CHOICES = [
        (CLAIMED, "Claimed, not yet sent"),
        (SENT, "Sent"),
        (SKIPPED, "Skipped (suppressed)"),
        (FAILED, "Sending failed"),
        (RETRY, "Nothing left, sent again at a next sweep"),
    ]


class SkipReason:
    CHECKOUT_COMPLETED = "checkout_completed"
    ORDERED_ELSEWHERE = "ordered_elsewhere"
    NO_CONSENT = "no_consent"
    UNSUBSCRIBED = "unsubscribed"
    FREQUENCY_CAP = "frequency_cap"
    CHECKOUT_GONE = "checkout_gone"


class OfferStatus:
    LIVE = "live"
    USED = "used"
    REVOKED = "revoked"
    EXPIRED = "expired"

    CHOICES = [(LIVE, "Live"), (USED, "Used"), (REVOKED, "Revoked"), (EXPIRED, "Expired")]


class AbandonedCheckout(models.Model):
    token = models.UUIDField(unique=True)
    channel = models.ForeignKey("channel.Channel", on_delete=models.CASCADE, related_name="+")
    # No constraint: a deleted customer's id stays until the erasure task
    # (privacy/erasure.py) finds their checkouts by it and pseudonymises them.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # Normalised: lower-cased, stripped.
    email = models.EmailField()
    currency = models.CharField(max_length=3)
    total_gross_amount = models.DecimalField(max_digits=20, decimal_places=3)
    lines_count = models.PositiveIntegerField(default=0)
    # ``Checkout.last_change`` when the sweep last looked at it: a later value means
    # the shopper came back, and the stages start again.
    last_change_seen = models.DateTimeField()
    detected_at = models.DateTimeField()
    # The current round of stages (1, 2, … : the checkout was left again after a round).
    round = models.PositiveSmallIntegerField(default=1)
    # Last stage claimed in the round (0: none yet).
    stage = models.PositiveSmallIntegerField(default=0)
    next_stage_at = models.DateTimeField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=32, choices=AbandonedStatus.CHOICES, default=AbandonedStatus.OPEN
    )
    variant = models.CharField(max_length=64, blank=True, default="")
    order_id = models.UUIDField(null=True, blank=True)
    order_total_amount = models.DecimalField(max_digits=20, decimal_places=3, null=True, blank=True)
    discount_amount = models.DecimalField(max_digits=20, decimal_places=3, null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["channel", "status", "next_stage_at"], name="crm_abandoned_due"),
            models.Index(fields=["email"], name="crm_abandoned_email"),
        ]

    def __str__(self):
        return f"{self.token} ({self.status}, stage {self.stage})"


class CartDetectionCursor(models.Model):
    channel = models.OneToOneField("channel.Channel", on_delete=models.CASCADE, related_name="+")
    # Checkouts last changed at or before this were examined by detection.
    scanned_until = models.DateTimeField()

    def __str__(self):
        return f"channel {self.channel_id}: {self.scanned_until.isoformat()}"


class CartReminder(models.Model):
    abandoned = models.ForeignKey(
        AbandonedCheckout, on_delete=models.CASCADE, related_name="reminders"
    )
    round = models.PositiveSmallIntegerField(default=1)
    stage = models.PositiveSmallIntegerField()
    email = models.EmailField()
    kind = models.CharField(max_length=16, choices=ReminderKind.CHOICES)
    status = models.CharField(
        max_length=16, choices=ReminderStatus.CHOICES, default=ReminderStatus.CLAIMED
    )
    skip_reason = models.CharField(max_length=32, blank=True, default="")
    # Sends that failed with nothing left (``mail.DeliveryNotAttempted``), bounded.
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["abandoned", "round", "stage"], name="crm_cart_reminder_stage_once"
            )
        ]
        indexes = [models.Index(fields=["email", "sent_at"], name="crm_reminder_email_sent")]

    def __str__(self):
        return f"stage {self.stage} {self.kind}: {self.status}"


class CartRecoveryOffer(models.Model):
    abandoned = models.ForeignKey(
        AbandonedCheckout, on_delete=models.CASCADE, related_name="offers"
    )
    # Normalised: lower-cased, stripped.
    email = models.EmailField()
    voucher = models.ForeignKey(
        "discount.Voucher",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    code = models.CharField(max_length=255, unique=True)
    discount_type = models.CharField(max_length=32)
    value = models.DecimalField(max_digits=20, decimal_places=3)
    scope = models.CharField(max_length=16)
    status = models.CharField(max_length=16, choices=OfferStatus.CHOICES, default=OfferStatus.LIVE)
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    used_order_id = models.UUIDField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=255, blank=True, default="")
    # The checkout whose completion holds the code (``offers.recovery_offer_check_order``):
    # Saleor's own single-use check does not stop two completions racing with one code.
    claimed_checkout_token = models.UUIDField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["email"],
                condition=models.Q(status="live"),
                name="crm_offer_one_live_per_email",
            )
        ]

    def __str__(self):
        return f"{self.code} ({self.status})"
