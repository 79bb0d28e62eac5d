"""Why a cart reminder must not go out (or None: it may).

Checked right before a stage is claimed, in this order:

1. ``checkout_completed``: an order carries this checkout's token (Saleor deletes the
   checkout on completion, the order keeps ``checkout_token``);
2. ``ordered_elsewhere``: the shopper (same e-mail or account) placed any other order,
   in any channel, since the checkout's last change — the common complaint about
   reminders is one after the shopper already bought;
3. ``unsubscribed`` / ``no_consent``: the shopper's marketing consent
   (``consent.MarketingConsent``, by account then e-mail); a shopper who never answered
   gets the channel's ``marketing_consent_default``;
4. ``frequency_cap``: a cart reminder for *another* checkout of the shopper was claimed
   within ``message_frequency_cap`` (the stages of one checkout are already spaced by
   their delays, so they do not cap each other). Claimed counts, not only sent: a
   reminder claimed by a concurrent sweep and not yet sent (or failed: it may have
   left) is one the shopper gets. The caller holds the shopper's lock
   (``lock_objects.shopper_lock``) from this check to its claim, so two sweeps on two
   carts of one shopper take turns and the second sees the first's claim.

The first two and the consent reasons close the abandoned checkout: no later stage is
sent. A capped stage is skipped and the next one stays scheduled.
"""

import datetime

from django.db.models import Q
from saleor.order.models import Order

from ..config import ChannelConfig
from ..consent.actions import marketing_consent_for
from .models import AbandonedCheckout, AbandonedStatus, CartReminder, ReminderStatus, SkipReason

# The status a skip reason closes the abandoned checkout with (None: it stays open).
CLOSING_STATUS = {
    SkipReason.CHECKOUT_COMPLETED: AbandonedStatus.COMPLETED,
    SkipReason.ORDERED_ELSEWHERE: AbandonedStatus.PURCHASED_ELSEWHERE,
    SkipReason.NO_CONSENT: AbandonedStatus.SUPPRESSED,
    SkipReason.UNSUBSCRIBED: AbandonedStatus.SUPPRESSED,
    SkipReason.FREQUENCY_CAP: None,
}


# Reminders the shopper gets (or may have got): all but the skipped ones.
COUNTED_BY_CAP = (ReminderStatus.CLAIMED, ReminderStatus.SENT, ReminderStatus.FAILED)


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


def consent_skip_reason(*, abandoned: AbandonedCheckout, config: ChannelConfig) -> str | None:
    consent = marketing_consent_for(email=abandoned.email, user_id=abandoned.user_id)
    if consent is None:
        return None if config.carts.marketing_consent_default else SkipReason.NO_CONSENT
    if consent.granted:
        return None
    return SkipReason.UNSUBSCRIBED if consent.unsubscribed_at else SkipReason.NO_CONSENT


def frequency_capped(
    *, abandoned: AbandonedCheckout, config: ChannelConfig, now: datetime.datetime
) -> bool:
    if not config.carts.message_frequency_cap_seconds:
        return False
    since = now - datetime.timedelta(seconds=config.carts.message_frequency_cap_seconds)
    return (
        CartReminder.objects.filter(
            email=abandoned.email, status__in=COUNTED_BY_CAP, claimed_at__gt=since
        )
        .exclude(abandoned_id=abandoned.pk)
        .exists()
    )


def reminder_skip_reason(
    *, abandoned: AbandonedCheckout, config: ChannelConfig, now: datetime.datetime
) -> str | None:
    if checkout_order_id(token=abandoned.token):
        return SkipReason.CHECKOUT_COMPLETED
    if shopper_ordered_since(abandoned=abandoned, since=abandoned.last_change_seen):
        return SkipReason.ORDERED_ELSEWHERE
    reason = consent_skip_reason(abandoned=abandoned, config=config)
    if reason:
        return reason
    if frequency_capped(abandoned=abandoned, config=config, now=now):
        return SkipReason.FREQUENCY_CAP
    return None
