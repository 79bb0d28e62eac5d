"""Journeys: a trigger, timed stages, a message (and maybe an offer) per stage, a goal.

``Journey`` is stored as data, one row per journey and channel, edited through GraphQL.
Its ``kind`` names the trigger (``triggers``): the built-in journeys are each one kind
with its own defaults (``builtins``). Its stages are a JSON list, validated on save
(``definition``): a delay after the trigger, the subject and body (Handlebars), and an
optional offer (bonus points through the ledger, or a single-use voucher bound to the
customer).

``JourneyEnrollment`` is one customer entering a journey once for one reason: the
``trigger_key`` (an order, a birthday's year, a tier change, an expiry day, a lapse
after a given last order) is unique per journey, so detecting the same cause again
inserts nothing. A share of enrollments (``holdout_percent``) are held out: they run
through the stages, their messages are recorded as skipped (``holdout``), and their
conversions measure what the journey adds (``stats``).

``JourneyMessage`` is one stage of one enrollment. As in cart recovery, a stage is
*claimed* by inserting its row (unique per enrollment and stage) before anything is
sent; a replayed or concurrent sweep therefore never sends a stage twice.
"""

from django.conf import settings
from django.db import models


class JourneyKind:
    POST_PURCHASE = "post_purchase"
    WIN_BACK = "win_back"
    BIRTHDAY = "birthday"
    TIER_UP = "tier_up"
    TIER_AT_RISK = "tier_at_risk"
    POINTS_EXPIRING = "points_expiring"
    SEGMENT_JOINED = "segment_joined"
    SEGMENT_LEFT = "segment_left"
    CART_RECOVERY = "cart_recovery"

    CHOICES = [
        (POST_PURCHASE, "Post-purchase follow-up (after fulfilment)"),
        (WIN_BACK, "Win-back (no order for a while, or high churn risk)"),
        (BIRTHDAY, "Birthday offer"),
        (TIER_UP, "Tier up"),
        (TIER_AT_RISK, "Tier at risk"),
        (POINTS_EXPIRING, "Points expiring"),
        (SEGMENT_JOINED, "Joined a segment"),
        (SEGMENT_LEFT, "Left a segment"),
        (CART_RECOVERY, "Abandoned cart recovery"),
    ]


class EnrollmentStatus:
    OPEN = "open"
    CONVERTED = "converted"
    COMPLETED = "completed"
    SUPPRESSED = "suppressed"

    CHOICES = [
        (OPEN, "Stages may follow"),
        (CONVERTED, "Goal met (an order): no later stage"),
        (COMPLETED, "All stages done"),
        (SUPPRESSED, "No consent or unsubscribed"),
    ]


class MessageStatus:
    CLAIMED = "claimed"
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"
    RETRY = "retry"

    CHOICES = [
        (CLAIMED, "Claimed, not yet sent"),
        (SENT, "Sent"),
        (SKIPPED, "Skipped"),
        (FAILED, "Sending failed"),
        (RETRY, "Nothing left, sent again at a next sweep"),
    ]


class Journey(models.Model):
    channel = models.ForeignKey("channel.Channel", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=JourneyKind.CHOICES)
    name = models.CharField(max_length=128)
    enabled = models.BooleanField(default=False)
    # [{"delay": "3d", "subject": …, "body": …, "offer": {…} | null}, …] (``definition``)
    stages = models.JSONField(default=list)
    # The trigger's parameters, e.g. {"days": 90} for win-back (``triggers``).
    trigger_settings = models.JSONField(default=dict)
    holdout_percent = models.PositiveSmallIntegerField(default=0)
    # Where detection has read up to (the incremental triggers keep their cursor here).
    scanned_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "name"], name="crm_journey_name_once")
        ]

    def __str__(self):
        return f"{self.name} ({self.kind}, {'on' if self.enabled else 'off'})"


class JourneyEnrollment(models.Model):
    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Normalised: lower-cased, stripped.
    email = models.EmailField()
    trigger_key = models.CharField(max_length=255)
    # When the cause happened; stage delays count from it.
    triggered_at = models.DateTimeField()
    entered_at = models.DateTimeField()
    holdout = models.BooleanField(default=False)
    stage = models.PositiveSmallIntegerField(default=0)
    next_stage_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=EnrollmentStatus.CHOICES, default=EnrollmentStatus.OPEN
    )
    converted_order_id = models.UUIDField(null=True, blank=True)
    converted_at = models.DateTimeField(null=True, blank=True)
    revenue = models.DecimalField(max_digits=20, decimal_places=3, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["journey", "trigger_key"], name="crm_journey_enrol_once"
            )
        ]
        indexes = [
            models.Index(fields=["journey", "status", "next_stage_at"], name="crm_enrol_due"),
            models.Index(fields=["email"], name="crm_enrol_email"),
            models.Index(fields=["user"], name="crm_enrol_user"),
        ]

    def __str__(self):
        return f"{self.email} in journey {self.journey_id} ({self.status})"


class JourneyMessage(models.Model):
    enrollment = models.ForeignKey(
        JourneyEnrollment, on_delete=models.CASCADE, related_name="messages"
    )
    stage = models.PositiveSmallIntegerField()
    email = models.EmailField()
    status = models.CharField(
        max_length=16, choices=MessageStatus.CHOICES, default=MessageStatus.CLAIMED
    )
    skip_reason = models.CharField(max_length=32, blank=True, default="")
    # Sends that failed with nothing left (``mail.DeliveryNotAttempted``), bounded.
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    # The offer it carried: bonus points (ledger key ``journey:<id>``) or a voucher code.
    offer_points = models.BigIntegerField(default=0)
    offer_code = models.CharField(max_length=255, blank=True, default="")
    offer_value = models.DecimalField(max_digits=20, decimal_places=3, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrollment", "stage"], name="crm_journey_message_once")
        ]
        indexes = [models.Index(fields=["email", "claimed_at"], name="crm_journey_msg_email")]

    def __str__(self):
        return f"stage {self.stage}: {self.status}"
