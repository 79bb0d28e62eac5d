"""Points without a purchase: sign-up and birthday bonuses, birthdays and staff adjustments.

Each is safe to run twice: the sign-up bonus is keyed by customer and channel, the
birthday bonus by customer, channel and year (so a second run that year gives nothing),
and a staff adjustment by the key its caller gives (a replay returns the first entry).
"""

import calendar
import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from saleor.account.models import User

from ..config import ChannelProgram, load_channel_program
from .accounts import account_get_or_create, expires_after, signup_bonus_post
from .exceptions import (
    InsufficientPoints,
    InvalidPoints,
    MissingValue,
    OwnAccountAdjustment,
    ProgramInactive,
    StaffAccountAdjustment,
)
from .ledger import EntrySource, Posting, post_entry
from .lock_objects import loyalty_account_qs_select_for_update
from .models import CustomerProfile, EntryType, LoyaltyAccount, LoyaltyEntry

MAX_REASON_LENGTH = 1000
BATCH_SIZE = 500


def _active_program(channel_id: int) -> ChannelProgram:
    program = load_channel_program(channel_id)
    if not program.active:
        raise ProgramInactive(
            "The loyalty programme is not active in this channel.", field="channel"
        )
    return program


def signup_bonus_award(*, user_id: int, channel_id: int) -> Posting | None:
    """The sign-up bonus for a customer Saleor just reported as created (once)."""
    program = load_channel_program(channel_id)
    if not program.active or program.config.loyalty.signup_bonus <= 0:
        return None
    now = timezone.now()
    account = account_get_or_create(user_id=user_id, channel_id=channel_id, now=now)
    return signup_bonus_post(account=account, program=program, now=now)


def birthdays_on(today: datetime.date) -> Q:
    condition = Q(birthday__month=today.month, birthday__day=today.day)
    if (today.month, today.day) == (2, 28) and not calendar.isleap(today.year):
        condition |= Q(birthday__month=2, birthday__day=29)
    return condition


def birthday_bonuses_award(*, channel_id: int, today: datetime.date) -> int:
    """This year's birthday bonus for the channel's members whose birthday is ``today``.

    Members are active customers with an account in the channel; the key names the
    year, so a second run on the same day (or a later one that year) gives nothing.
    """
    program = load_channel_program(channel_id)
    if not program.active or program.config.loyalty.birthday_bonus <= 0:
        return 0
    accounts = LoyaltyAccount.objects.filter(
        channel_id=channel_id,
        user__is_active=True,
        user_id__in=CustomerProfile.objects.filter(birthdays_on(today)).values("user_id"),
    ).order_by("pk")
    awarded = 0
    now = timezone.now()
    for account in accounts.iterator(chunk_size=BATCH_SIZE):
        posting = post_entry(
            account=account,
            points=program.config.loyalty.birthday_bonus,
            entry_type=EntryType.BONUS,
            idempotency_key=f"bonus:birthday:{account.user_id}:{channel_id}:{today.year}",
            source=EntrySource(reason=f"birthday {today.year}"),
            expires_at=expires_after(program.config.loyalty.expire_seconds, now),
            occurred_at=now,
        )
        awarded += posting.created
    return awarded


def customer_birthday_set(*, user: User, birthday: datetime.date | None) -> CustomerProfile:
    if birthday is not None and birthday > timezone.now().date():
        raise InvalidPoints("A birthday cannot be in the future.", field="birthday")
    profile, _created = CustomerProfile.objects.update_or_create(
        user=user, defaults={"birthday": birthday}
    )
    return profile


def account_points_adjust(
    *,
    user: User,
    channel_id: int,
    points: int,
    reason: str,
    idempotency_key: str,
    actor_user_id: int | None = None,
    actor_app_id: int | None = None,
    allow_negative_balance: bool = True,
) -> Posting:
    """A staff adjustment: any non-zero amount with a mandatory reason.

    As Saleor's customer mutations refuse to edit a staff account or the requester's
    own, nobody adjusts their own points (``actor_user_id``) and a staff account's
    points are never adjusted by hand: points are money, and staff would otherwise
    credit themselves or each other. The entry keeps the actor and the reason.

    With ``allow_negative_balance=False`` a deduction may not take the available
    balance below zero (checked under the account's row lock). Nothing is written
    when it raises, not even the account; a replayed key returns the first entry.
    """
    if actor_user_id is not None and actor_user_id == user.pk:
        raise OwnAccountAdjustment("You cannot adjust your own loyalty points.", field="customerId")
    if user.is_staff:
        raise StaffAccountAdjustment(
            "The loyalty points of a staff account cannot be adjusted.", field="customerId"
        )
    reason = (reason or "").strip()
    if not reason:
        raise MissingValue("A reason is required for an adjustment.", field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidPoints(
            f"The reason is longer than {MAX_REASON_LENGTH} characters.", field="reason"
        )
    program = _active_program(channel_id)
    with transaction.atomic():
        account = account_get_or_create(user_id=user.pk, channel_id=channel_id)
        if points < 0 and not allow_negative_balance:
            locked = loyalty_account_qs_select_for_update().get(pk=account.pk)
            replayed = LoyaltyEntry.objects.filter(idempotency_key=idempotency_key).exists()
            if not replayed and locked.balance + points < 0:
                raise InsufficientPoints(
                    f"The balance is {locked.balance} points; {-points} cannot be deducted.",
                    field="points",
                )
        return post_entry(
            account=account,
            points=points,
            entry_type=EntryType.ADJUST,
            idempotency_key=idempotency_key,
            source=EntrySource(
                reason=reason, actor_user_id=actor_user_id, actor_app_id=actor_app_id
            ),
            expires_at=expires_after(program.config.loyalty.expire_seconds, timezone.now())
            if points > 0
            else None,
        )
