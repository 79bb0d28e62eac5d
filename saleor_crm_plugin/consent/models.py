"""Marketing consent: may the CRM send this shopper marketing messages?

Saleor 3.23 keeps no marketing-consent flag on ``User``, so the CRM keeps its own, one
row per e-mail address (a shopper may be a guest). Segments read it as a condition and
cart recovery checks it before every message. ``granted`` is the current answer;
``unsubscribed_at`` records an opt-out through an unsubscribe link, which later grants
(a customer ticking a box again) clear.
"""

import uuid

from django.conf import settings
from django.db import models


class ConsentSource:
    CUSTOMER = "customer"
    STAFF = "staff"
    UNSUBSCRIBE_LINK = "unsubscribe_link"
    IMPORT = "import"

    CHOICES = [
        (CUSTOMER, "Given or withdrawn by the customer"),
        (STAFF, "Set by staff"),
        (UNSUBSCRIBE_LINK, "Unsubscribe link in a CRM message"),
        (IMPORT, "Imported"),
    ]


class MarketingConsent(models.Model):
    # Normalised (``normalize_email``): lower-cased, stripped.
    email = models.EmailField(unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted = models.BooleanField()
    source = models.CharField(max_length=32, choices=ConsentSource.CHOICES)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user"], name="crm_consent_user")]

    def __str__(self):
        return f"{self.email}: {'granted' if self.granted else 'withdrawn'}"


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
