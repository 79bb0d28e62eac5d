"""Consent per purpose: what may the CRM do with this shopper's data?

Saleor 3.23 keeps no consent on ``User``, so the CRM keeps its own, per e-mail address
(a shopper may be a guest) and purpose:

* ``email_marketing``: may the CRM send marketing messages (cart reminders, journeys)?
  Cart recovery checks it before every message; segments read it as a condition.
* ``profiling``: may the CRM use the shopper's data to compute segments, RFM groups
  and scores? A withdrawn answer leaves the customer out of every computed segment and
  RFM group (``segments.sql.counted_customer``, the one place, docs/privacy.md).

``MarketingConsent`` is the current answer, one row per ``(email, purpose)``;
``granted`` is the answer, ``source`` who gave it, ``updated_at`` when.
``unsubscribed_at`` records an opt-out through an unsubscribe link, which later grants
(a customer ticking a box again) clear. Every change also appends a ``ConsentEvent``
(purpose, answer, source, actor kind, the staff member or app, reason, time): the
history is append-only, the row is its latest state. A shopper who never answered a
purpose gets its default (``email_marketing``: the channel's
``marketing_consent_default``; ``profiling``: yes).

``user`` keeps the account's id without a database constraint (``DO_NOTHING``): when
Saleor deletes the customer, the id outlives the row until the erasure task
(``privacy.erasure``) finds the customer's rows by it and deletes them.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class ConsentPurpose:
    EMAIL_MARKETING = "email_marketing"
    PROFILING = "profiling"

    CHOICES = [
        (EMAIL_MARKETING, "Marketing e-mail from the CRM"),
        (PROFILING, "Segments, RFM groups and scores computed from the shopper's data"),
    ]
    ALL = (EMAIL_MARKETING, PROFILING)


class ConsentSource:
    CUSTOMER = "customer"
    STAFF = "staff"
    APP = "app"
    UNSUBSCRIBE_LINK = "unsubscribe_link"
    IMPORT = "import"

    CHOICES = [
        (CUSTOMER, "Given or withdrawn by the customer"),
        (STAFF, "Set by staff"),
        (APP, "Set by an app"),
        (UNSUBSCRIBE_LINK, "Unsubscribe link in a CRM message"),
        (IMPORT, "Imported"),
    ]


class ConsentActor:
    """Who made the change: the shopper, a staff member, an app or the CRM itself."""

    CUSTOMER = "customer"
    STAFF = "staff"
    APP = "app"
    SYSTEM = "system"

    CHOICES = [
        (CUSTOMER, "The customer"),
        (STAFF, "A staff member"),
        (APP, "An app"),
        (SYSTEM, "The CRM (an unsubscribe link, an import)"),
    ]


def _user_id_kept():
    """The account's id, without a constraint: erasure finds rows of a deleted account."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )


class MarketingConsent(models.Model):
    # Normalised (``normalize_email``): lower-cased, stripped.
    email = models.EmailField()
    purpose = models.CharField(
        max_length=32, choices=ConsentPurpose.CHOICES, default=ConsentPurpose.EMAIL_MARKETING
    )
    user = _user_id_kept()
    granted = models.BooleanField()
    source = models.CharField(max_length=32, choices=ConsentSource.CHOICES)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["email", "purpose"], name="crm_consent_email_purpose")
        ]
        indexes = [models.Index(fields=["user"], name="crm_consent_user")]

    def __str__(self):
        return f"{self.email} {self.purpose}: {'granted' if self.granted else 'withdrawn'}"


class ConsentEvent(models.Model):
    """One change of a consent answer: appended, never changed (deleted only by erasure)."""

    email = models.EmailField()
    purpose = models.CharField(max_length=32, choices=ConsentPurpose.CHOICES)
    user = _user_id_kept()
    granted = models.BooleanField()
    source = models.CharField(max_length=32, choices=ConsentSource.CHOICES)
    actor = models.CharField(max_length=16, choices=ConsentActor.CHOICES)
    reason = models.TextField(blank=True, default="")
    # Who made a staff or app change (``actions.consent_set``); kept without a
    # constraint, so the history outlives a deleted staff account or app.
    staff_user = _user_id_kept()
    app = models.ForeignKey(
        "app.App",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=["email", "-created_at"], name="crm_consent_event_email"),
            models.Index(fields=["user", "-created_at"], name="crm_consent_event_user"),
        ]

    def __str__(self):
        return f"{self.email} {self.purpose}: {self.granted} ({self.source})"


class MarketingRecipient(models.Model):
    """A recipient's pseudonym: what an unsubscribe link names instead of the e-mail.

    One row per normalised e-mail, made when a marketing message is first sent to it
    (``consent.unsubscribe``). The id is random, so a link tells neither the address
    nor how many recipients the shop has.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Normalised (``normalize_email``): lower-cased, stripped.
    email = models.EmailField(unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return str(self.id)
