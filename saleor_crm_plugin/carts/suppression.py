"""Why a cart reminder must not go out (or None: it may).

Checked right before a stage is claimed, in this order:

1. ``checkout_completed``: an order carries this checkout's token (Saleor deletes the
   checkout on completion, the order keeps ``checkout_token``);
2. ``ordered_elsewhere``: the shopper (same e-mail or account) placed any other order,
   in any channel, since the checkout's last change — the common complaint about
   reminders is one after the shopper already bought;
3. ``unsubscribed`` / ``no_consent`` and 4. ``frequency_cap``: the guards every
   journey shares (``journeys.guards``): the shopper's marketing consent (an
   unsubscribe wins), then a marketing message of *any* journey claimed for the shopper
   within ``message_frequency_cap`` — another cart's reminder, a win-back e-mail — but
   not this checkout's own stages. The caller holds the shopper's lock
   (``lock_objects.shopper_lock``) from this check to its claim.

The first two and the consent reasons close the abandoned checkout: no later stage is
sent. A capped stage is skipped and the next one stays scheduled.
"""

import datetime

from django.db.models import Q
from saleor.order.models import Order

from ..config import ChannelConfig
from ..journeys.guards import message_skip_reason
from .models import AbandonedCheckout, AbandonedStatus, SkipReason

# The status a skip reason closes the abandoned checkout with (None: it stays open).
CLOSING_STATUS = {
    SkipReason.CHECKOUT_COMPLETED: AbandonedStatus.COMPLETED,
    SkipReason.ORDERED_ELSEWHERE: AbandonedStatus.PURCHASED_ELSEWHERE,
    SkipReason.NO_CONSENT: AbandonedStatus.SUPPRESSED,
    SkipReason.UNSUBSCRIBED: AbandonedStatus.SUPPRESSED,
    SkipReason.FREQUENCY_CAP: None,
}


def checkout_order_id(*, token) -> str | None:
    order_id = (
        Order.objects.non_draft().filter(checkout_token=str(token)).values_list("pk", flat=True)
    ).first()
    return str(order_id) if order_id else None


def shopper_ordered_since(*, abandoned: AbandonedCheckout, since: datetime.datetime) -> bool:
    shopper = Q(user_email__iexact=abandoned.email)
    if abandoned.user_id:
        shopper |= Q(user_id=abandoned.user_id)
    return (
        Order.objects.non_draft()
        .filter(shopper, created_at__gte=since)
        .exclude(checkout_token=str(abandoned.token))
        .exists()
    )


def reminder_skip_reason(
    *, abandoned: AbandonedCheckout, config: ChannelConfig, now: datetime.datetime
) -> str | None:
    if checkout_order_id(token=abandoned.token):
        return SkipReason.CHECKOUT_COMPLETED
    if shopper_ordered_since(abandoned=abandoned, since=abandoned.last_change_seen):
        return SkipReason.ORDERED_ELSEWHERE
    return message_skip_reason(
        email=abandoned.email,
        user_id=abandoned.user_id,
        config=config,
        now=now,
        cart_id=abandoned.pk,
    )
