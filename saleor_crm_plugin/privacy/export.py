"""A customer's CRM data as one machine-readable JSON document (docs/privacy.md).

The document is versioned (``format``, ``version``) and holds, per CRM table, every
row of the customer with every column as stored (``tables``: db_table -> rows), plus
what the rows mean where a table alone does not say it (``segments``: each segment the
customer is in, with every condition, its verdict and the customer's value, as
``User.segments`` explains it). Rows are found as erasure finds them (``subjects.py``):
by account id and by every e-mail address of the customer, so a guest checkout under
their address is theirs; nothing of another customer is included (a store purchase's
link rows naming someone else are left out).

Values are JSON: dates and times in ISO 8601, decimals and UUIDs as strings.
"""

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from saleor.order.models import Order

from ..carts.models import AbandonedCheckout, CartRecoveryOffer, CartReminder
from ..consent.models import ConsentEvent, MarketingConsent, MarketingRecipient
from ..journeys.models import JourneyEnrollment, JourneyMessage
from ..loyalty.models import (
    CustomerProfile,
    LoyaltyAccount,
    LoyaltyAllocation,
    LoyaltyEntry,
    LoyaltyNotice,
    LoyaltyRedemption,
    LoyaltyTierChange,
)
from ..segments.explain import customer_segments_explain
from ..segments.models import (
    CustomerRfm,
    CustomerTag,
    SegmentMembership,
    SegmentMembershipEvent,
    SegmentOrderOwner,
)
from ..stores.models import (
    StoreCardRecognition,
    StorePickup,
    StorePurchase,
    StorePurchaseClaim,
    StorePurchaseClaimRefusal,
    StorePurchaseLink,
    StoreRefund,
)
from .models import CustomerErasure
from .subjects import DataSubject, data_subject_find

FORMAT = "saleor-crm-customer-export"
VERSION = 1


def _rows(queryset: QuerySet) -> list[dict]:
    fields = [field.attname for field in queryset.model._meta.concrete_fields]
    return list(queryset.order_by("pk").values(*fields))


def _table(model: type[Model]) -> str:
    return model._meta.db_table


def customer_querysets(subject: DataSubject, *, using: str) -> dict[type[Model], QuerySet]:
    """Every CRM row of the customer, per model (what the export holds), on ``using``."""

    def rows_of(model: type[Model]) -> QuerySet:
        return model.objects.using(using)

    user_id = subject.user_id
    by_subject = Q(user_id=user_id) | Q(email__in=subject.emails)
    accounts = rows_of(LoyaltyAccount).filter(user_id=user_id)
    entries = rows_of(LoyaltyEntry).filter(account__in=accounts)
    abandoned = rows_of(AbandonedCheckout).filter(by_subject)
    enrollments = rows_of(JourneyEnrollment).filter(by_subject)
    purchases = rows_of(StorePurchase).filter(user_id=user_id)
    purchase_keys = Q(pk__in=[])
    for source, external_id in purchases.values_list("source", "external_id"):
        purchase_keys |= Q(source=source, external_id=external_id)
    order_ids = rows_of(Order).filter(user_id=user_id).values("pk")
    return {
        LoyaltyAccount: accounts,
        LoyaltyEntry: entries,
        LoyaltyAllocation: rows_of(LoyaltyAllocation).filter(entry__in=entries),
        LoyaltyTierChange: rows_of(LoyaltyTierChange).filter(account__in=accounts),
        LoyaltyNotice: rows_of(LoyaltyNotice).filter(account__in=accounts),
        LoyaltyRedemption: rows_of(LoyaltyRedemption).filter(account__in=accounts),
        CustomerProfile: rows_of(CustomerProfile).filter(user_id=user_id),
        CustomerTag: rows_of(CustomerTag).filter(user_id=user_id),
        SegmentMembership: rows_of(SegmentMembership).filter(user_id=user_id),
        SegmentMembershipEvent: rows_of(SegmentMembershipEvent).filter(user_id=user_id),
        CustomerRfm: rows_of(CustomerRfm).filter(user_id=user_id),
        SegmentOrderOwner: rows_of(SegmentOrderOwner).filter(user_id=user_id),
        AbandonedCheckout: abandoned,
        CartReminder: rows_of(CartReminder).filter(abandoned__in=abandoned),
        CartRecoveryOffer: rows_of(CartRecoveryOffer).filter(abandoned__in=abandoned),
        JourneyEnrollment: enrollments,
        JourneyMessage: rows_of(JourneyMessage).filter(enrollment__in=enrollments),
        MarketingConsent: rows_of(MarketingConsent).filter(by_subject),
        MarketingRecipient: rows_of(MarketingRecipient).filter(email__in=subject.emails),
        ConsentEvent: rows_of(ConsentEvent).filter(by_subject),
        StorePurchase: purchases,
        StorePurchaseLink: rows_of(StorePurchaseLink).filter(user_id=user_id),
        StoreRefund: rows_of(StoreRefund).filter(purchase_keys),
        StorePurchaseClaim: rows_of(StorePurchaseClaim).filter(user_id=user_id),
        StorePurchaseClaimRefusal: rows_of(StorePurchaseClaimRefusal).filter(user_id=user_id),
        StoreCardRecognition: rows_of(StoreCardRecognition).filter(user_id=user_id),
        StorePickup: rows_of(StorePickup).filter(order_id__in=order_ids),
        CustomerErasure: rows_of(CustomerErasure).filter(user_key=user_id),
    }


def _segments(user, *, using: str) -> list[dict]:
    """Each segment the customer is in, and why (``segments.explain``)."""
    return [
        {
            "segment_id": explanation.segment.pk,
            "name": explanation.segment.name,
            "conditions": [
                {
                    "path": condition.path,
                    "description": condition.description,
                    "holds": condition.holds,
                    "actual": condition.actual,
                }
                for condition in explanation.conditions
            ],
        }
        for explanation in customer_segments_explain(user=user, using=using)
        if explanation.is_member
    ]


def customer_data_export(*, user, using: str = settings.DATABASE_CONNECTION_DEFAULT_NAME) -> dict:
    """The export document of ``user`` (a Saleor account), JSON-ready, read on ``using``."""
    subject = data_subject_find(user_id=user.pk, emails=[user.email], using=using)
    document = {
        "format": FORMAT,
        "version": VERSION,
        "generated_at": timezone.now(),
        "customer": {"user_id": user.pk, "emails": list(subject.emails)},
        "tables": {
            _table(model): _rows(queryset)
            for model, queryset in customer_querysets(subject, using=using).items()
        },
        "segments": _segments(user, using=using),
    }
    return json.loads(json.dumps(document, cls=DjangoJSONEncoder))


def customer_data_export_json(*, user) -> str:
    return json.dumps(customer_data_export(user=user), indent=2, sort_keys=True)
