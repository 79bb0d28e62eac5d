"""Customer tags, rule-based segments with materialised membership, and RFM scores.

Design:

* A ``CustomerSegment`` stores its rule as data (``definition``, a condition tree, see
  ``conditions.py`` and docs/segments.md). Membership is materialised in
  ``SegmentMembership`` and computed set-based in PostgreSQL (``compiler.py``): a full
  recompute is one query, a customer's refresh the same query restricted to their id.
* Membership only moves by diff (``membership.py``), under the segment's row lock, and
  every move appends a ``SegmentMembershipEvent`` (joined / left, why): history is an
  append-only log, membership is its current state.
* ``CustomerTag`` holds tags in their normalised form (``tags.normalize_tag``). Manual
  tags are set by staff; automatic tags belong to the segment whose ``auto_tag`` set them
  and follow its membership (a customer may have both for the same tag).
* ``CustomerRfm`` caches per channel the recency / frequency / monetary scores and the
  named group (``rfm.py``); segments read it like any other table.
* ``SegmentMembersExport`` is a members CSV job (``export.py``). Not a Saleor
  ``ExportFile``: Saleor lists those, with their URLs, to staff with MANAGE_PRODUCTS;
  this file sits in Saleor's private storage and only MANAGE_USERS reads its link.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from saleor.core import private_storage
from saleor.core.models import Job


class TagSource:
    MANUAL = "manual"
    AUTOMATIC = "automatic"

    CHOICES = [(MANUAL, "Set by staff"), (AUTOMATIC, "Set by a segment rule")]


class MembershipEventKind:
    JOINED = "joined"
    LEFT = "left"

    CHOICES = [(JOINED, "Joined"), (LEFT, "Left")]


class CustomerSegment(models.Model):
    name = models.CharField(max_length=255)
    # Money and loyalty conditions are per channel: such a segment needs one.
    channel = models.ForeignKey(
        "channel.Channel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    definition = models.JSONField()
    auto_tag = models.CharField(max_length=50, blank=True, default="")
    member_count = models.IntegerField(default=0)
    computed_at = models.DateTimeField(null=True, blank=True)
    # Up to when the periodic refresh has re-evaluated the customers whose orders or
    # join date crossed one of the definition's time boundaries (``refresh.py``).
    boundaries_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("name", "pk")
        constraints = [
            # One rule per automatic tag: the tag follows exactly one membership.
            models.UniqueConstraint(
                fields=["auto_tag"],
                name="crm_segment_auto_tag_unique",
                condition=~Q(auto_tag=""),
            ),
        ]

    def __str__(self):
        return f"CustomerSegment({self.pk}, {self.name})"


class CustomerTag(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    tag = models.CharField(max_length=50)
    source = models.CharField(max_length=16, choices=TagSource.CHOICES, default=TagSource.MANUAL)
    # The rule that set an automatic tag (none for manual tags).
    segment = models.ForeignKey(
        CustomerSegment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "tag", "source"], name="crm_tag_user_tag_source"
            ),
        ]
        indexes = [
            models.Index(fields=["tag"], name="crm_tag_tag"),
            models.Index(
                fields=["segment"],
                name="crm_tag_segment",
                condition=Q(segment__isnull=False),
            ),
        ]

    def __str__(self):
        return f"CustomerTag({self.user_id}, {self.tag}, {self.source})"


class SegmentMembership(models.Model):
    segment = models.ForeignKey(
        CustomerSegment, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    joined_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["segment", "user"], name="crm_segment_member_unique"),
        ]
        indexes = [models.Index(fields=["user"], name="crm_segment_member_user")]


class SegmentMembershipEvent(models.Model):
    segment = models.ForeignKey(CustomerSegment, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=MembershipEventKind.CHOICES)
    reason = models.CharField(max_length=255)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-occurred_at", "-pk")
        indexes = [
            models.Index(fields=["segment", "-occurred_at"], name="crm_segment_event_seg"),
            models.Index(fields=["user", "-occurred_at"], name="crm_segment_event_user"),
        ]


class CustomerRfm(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey("channel.Channel", on_delete=models.CASCADE, related_name="+")
    recency = models.SmallIntegerField()
    frequency = models.SmallIntegerField()
    monetary = models.SmallIntegerField()
    group = models.CharField(max_length=32)
    last_order_at = models.DateTimeField()
    order_count = models.IntegerField()
    total_spent = models.DecimalField(max_digits=20, decimal_places=3)
    computed_at = models.DateTimeField(default=timezone.now)
    # Churn risk and expected next order (``churn.py``), as of ``computed_at``; NULL on
    # rows scored before they existed, until the next daily run.
    interval_count = models.IntegerField(null=True, blank=True)
    own_interval_days = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    shop_interval_days = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    expected_interval_days = models.DecimalField(
        max_digits=10, decimal_places=2, null=True, blank=True
    )
    expected_next_order_at = models.DateTimeField(null=True, blank=True)
    churn_risk = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "channel"], name="crm_rfm_user_channel"),
            models.CheckConstraint(
                condition=Q(churn_risk__gte=0, churn_risk__lte=1),
                name="crm_rfm_churn_risk_0_1",
            ),
            models.CheckConstraint(
                condition=Q(recency__gte=1, recency__lte=5)
                & Q(frequency__gte=1, frequency__lte=5)
                & Q(monetary__gte=1, monetary__lte=5),
                name="crm_rfm_scores_1_5",
            ),
        ]
        indexes = [models.Index(fields=["channel", "group"], name="crm_rfm_ch_group")]


class SegmentMembersExport(Job):
    """A CSV of a segment's members, written in the background (``export.py``)."""

    segment = models.ForeignKey(
        CustomerSegment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who asked: a staff user or an app.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    app = models.ForeignKey(
        "app.App", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content_file = models.FileField(
        upload_to="crm_segment_exports", storage=private_storage, null=True, blank=True
    )


class SegmentOrderOwner(models.Model):
    """The customer an order belonged to when segments last looked at it.

    Saleor can move an order to another customer (``orderUpdate(userEmail)``) without
    an event naming the previous owner; comparing with this row finds them
    (``ownership.order_owners_sync``). Plain columns, no foreign keys: a row of a
    deleted order or customer is harmless and goes when the order is seen again.
    """

    order_id = models.UUIDField(primary_key=True)
    user_id = models.BigIntegerField()
