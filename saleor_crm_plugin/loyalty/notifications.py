"""Loyalty notifications, sent through Saleor's ``manager.notify``.

Our own event names let any plugin or app subscribed to NOTIFY_USER take over the
sending (Saleor's WebhookPlugin forwards every notify event to such apps). Each
notice is recorded under a unique key before it is handed to Saleor, so it goes out
at most once however often the hourly task runs; if handing it over fails, the
record is removed and the next run tries again.
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.db.models import Min, Sum
from saleor.account.notifications import get_user_custom_payload
from saleor.plugins.manager import get_plugins_manager

from ..config import active_channel_programs
from .models import EntryStatus, LoyaltyAccount, LoyaltyEntry, LoyaltyNotice

logger = logging.getLogger(__name__)

POINTS_EXPIRING_EVENT = "crm_points_expiring"


def expiring_points_payload(account: LoyaltyAccount, points: int, expires_at) -> dict:
    return {
        **get_user_custom_payload(account.user),
        "channel_slug": account.channel.slug,
        "points": points,
        "balance": account.balance,
        "expires_at": expires_at.isoformat(),
    }


def expiry_warning_key(account_id: int, expiry_date: datetime.date) -> str:
    return f"expiry-warning:{account_id}:{expiry_date.isoformat()}"


def expiry_warnings_send(*, now: datetime.datetime) -> int:
    """Warn each customer once per expiry day about points expiring within the window.

    The window is the channel's ``expiry_warning_before``; points expiring the same
    (UTC) day make one warning with their total.
    """
    sent = 0
    manager = None
    for channel_id, config in active_channel_programs().items():
        warning = config.loyalty.expiry_warning_seconds
        if not warning:
            continue
        window = datetime.timedelta(seconds=warning)
        for account, points, expires_at, key in _unwarned_expiries(channel_id, now, window):
            try:
                with transaction.atomic():
                    notice = LoyaltyNotice.objects.create(account=account, key=key, created_at=now)
            except IntegrityError:
                continue  # another run recorded it first
            manager = manager or get_plugins_manager(allow_replica=False)
            payload = expiring_points_payload(account, points, expires_at)
            try:
                manager.notify(
                    POINTS_EXPIRING_EVENT,
                    lambda payload=payload: payload,
                    channel_slug=account.channel.slug,
                )
            except Exception:  # a failing notifier must not stop the other warnings
                logger.exception("saleor-crm: expiry warning %s not sent", key)
                notice.delete()
                continue
            sent += 1
    return sent


def _unwarned_expiries(channel_id: int, now, window: datetime.timedelta):
    """(account, points, first expiry, key) per account and expiry day not yet warned of."""
    rows = list(
        LoyaltyEntry.objects.filter(
            account__channel_id=channel_id,
            account__user__isnull=False,  # a deleted customer is not warned
            remaining__gt=0,
            status=EntryStatus.AVAILABLE,
            expires_at__gt=now,
            expires_at__lte=now + window,
        )
        .values("account_id", "expires_at__date")
        .annotate(points=Sum("remaining"), first_expiry=Min("expires_at"))
        .order_by("expires_at__date", "account_id")
    )
    # A warning about a day still ahead was sent at most ``window`` ago.
    warned = set(
        LoyaltyNotice.objects.filter(
            account__channel_id=channel_id, created_at__gte=now - window
        ).values_list("key", flat=True)
    )
    pending = []
    for row in rows:
        key = expiry_warning_key(row["account_id"], row["expires_at__date"])
        if key not in warned:
            pending.append((row["account_id"], row["points"], row["first_expiry"], key))
    accounts = LoyaltyAccount.objects.select_related("user", "channel").in_bulk(
        {account_id for account_id, *_rest in pending}
    )
    for account_id, points, first_expiry, key in pending:
        yield accounts[account_id], points, first_expiry, key
