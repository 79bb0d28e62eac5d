"""Loyalty notifications, sent through Saleor's ``manager.notify`` (ARCHITECTURE §7).

Our own event names let any plugin or app subscribed to NOTIFY_USER take over the
sending; each notice is recorded under a unique key so it goes out once.
"""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Min, Sum
from saleor.plugins.manager import get_plugins_manager

from ..config import load_channel_program
from .models import EntryStatus, LoyaltyAccount, LoyaltyEntry, LoyaltyNotice

POINTS_EXPIRING_EVENT = "crm_points_expiring"


def expiring_points_payload(account: LoyaltyAccount, points: int, expires_at) -> dict:
    user = account.user
    return {
        "user": {"id": user.pk, "email": user.email, "first_name": user.first_name},
        "recipient_email": user.email,
        "channel_slug": account.channel.slug,
        "points": points,
        "balance": account.balance,
        "expires_at": expires_at.isoformat(),
    }


def send_expiry_warnings(*, now: datetime.datetime, limit: int = 1000) -> int:
    """Warn each customer once per expiry day about points that will expire soon."""
    rows = (
        LoyaltyEntry.objects.filter(
            remaining__gt=0, status=EntryStatus.AVAILABLE, expires_at__gt=now
        )
        .values("account_id", "expires_at__date")
        .annotate(points=Sum("remaining"), expires_at=Min("expires_at"))
        .order_by("expires_at__date")
    )
    manager = None
    sent = 0
    programs: dict[int, object] = {}
    for row in rows[: limit * 10]:
        account = LoyaltyAccount.objects.select_related("user", "channel").get(
            pk=row["account_id"]
        )
        program = programs.setdefault(account.channel_id, load_channel_program(account.channel_id))
        warning = program.config.expiry_warning_seconds
        if not program.active or not warning:
            continue
        if row["expires_at"] > now + datetime.timedelta(seconds=warning):
            continue
        key = f"expiry-warning:{account.pk}:{row['expires_at__date'].isoformat()}"
        try:
            with transaction.atomic():
                LoyaltyNotice.objects.create(account=account, key=key)
        except IntegrityError:
            continue
        manager = manager or get_plugins_manager(allow_replica=False)
        payload = expiring_points_payload(account, row["points"], row["expires_at"])
        manager.notify(
            POINTS_EXPIRING_EVENT, lambda payload=payload: payload, channel_slug=account.channel.slug
        )
        sent += 1
        if sent >= limit:
            break
    return sent
