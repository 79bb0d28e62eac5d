"""Loyalty accounts: joining a channel's programme and the sign-up bonus it brings.

A customer joins the channel's programme when their first account there is opened
(``account_get_or_create``); the channel's programme start is recorded the first time it
is needed (``program_start_record``). Joining gives the sign-up bonus to customers who
registered after the programme started there, once: its idempotency key names the
customer and the channel, so a replay or a race changes nothing. An account opens with
a random member code (``member_codes``), drawn again if it was taken; the till finds the
account by it (``account_by_member_code``).
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from saleor.account.models import User

from ..config import ChannelProgram, load_channel_program
from .exceptions import InvalidMemberCode, ProgramInactive
from .ledger import EntrySource, Posting, post_entry
from .member_codes import member_code_is_valid, member_code_normalize
from .models import EntryType, LoyaltyAccount, LoyaltyProgramStart

# Drawing a code already used is a one in 10^13 event; a few more draws settle it.
MEMBER_CODE_ATTEMPTS = 5


def expires_after(seconds: int | None, now: datetime.datetime) -> datetime.datetime | None:
    """When points credited at ``now`` expire (``None``: they never do)."""
    return None if seconds is None else now + datetime.timedelta(seconds=seconds)


def program_start_record(
    *, channel_id: int, started_at: datetime.datetime | None = None
) -> datetime.datetime:
    """When the channel's programme started; the first call records it."""
    start, _created = LoyaltyProgramStart.objects.get_or_create(
        channel_id=channel_id, defaults={"started_at": started_at or timezone.now()}
    )
    return start.started_at


def account_get_or_create(
    *, user_id: int, channel_id: int, now: datetime.datetime | None = None
) -> LoyaltyAccount:
    """The customer's account in the channel, opened on first use.

    Opening the account is how a customer joins the channel's programme. Saleor's
    ``customer_created`` hook reaches a per-channel plugin only when the same plugin
    manager already loaded that channel (``PluginsManager.get_plugins(None)`` returns
    the plugins loaded so far), so the sign-up bonus is given here instead, to
    customers who registered after the programme started.
    """
    now = now or timezone.now()
    for _attempt in range(MEMBER_CODE_ATTEMPTS):
        account = LoyaltyAccount.objects.filter(user_id=user_id, channel_id=channel_id).first()
        if account is not None:
            return account
        try:
            with transaction.atomic():
                account = LoyaltyAccount.objects.create(
                    user_id=user_id, channel_id=channel_id, created_at=now
                )
                _award_signup_bonus_on_joining(account, now)
                return account
        except IntegrityError:
            # Another request opened it first, or the new member code was drawn before
            # (then no account exists yet and a new code is drawn).
            continue
    raise IntegrityError(f"no free member code in {MEMBER_CODE_ATTEMPTS} attempts")


def account_open(*, user_id: int, channel_id: int, now: datetime.datetime | None = None):
    """Join the channel's programme before any points: the member code exists from now.

    A storefront calls this when the shopper asks to join (or shows the loyalty page),
    so a new shopper has a code to show at the till before their first purchase.
    Opening an open account changes nothing; an inactive programme is refused.
    """
    program = load_channel_program(channel_id)
    if not program.active:
        raise ProgramInactive(
            "The loyalty programme is not active in this channel.", field="channel"
        )
    account = account_get_or_create(user_id=user_id, channel_id=channel_id, now=now)
    account.refresh_from_db()  # a sign-up bonus moved the stored balance
    return account


def account_by_member_code(*, channel_id: int, raw: str) -> LoyaltyAccount | None:
    """The customer's account in the channel with the member code ``raw`` as typed.

    A code whose check character does not match is refused before any lookup; a deleted
    customer's account is found by nobody.
    """
    if not member_code_is_valid(raw):
        raise InvalidMemberCode(
            "This is not a member code: check it for a mistyped character.",
            field="memberCode",
        )
    return LoyaltyAccount.objects.filter(
        channel_id=channel_id, member_code=member_code_normalize(raw), user__isnull=False
    ).first()


def _award_signup_bonus_on_joining(account: LoyaltyAccount, now) -> None:
    program = load_channel_program(account.channel_id)
    if not program.active:
        return
    started_at = program_start_record(channel_id=account.channel_id, started_at=now)
    if program.config.loyalty.signup_bonus <= 0:
        return
    joined = User.objects.filter(pk=account.user_id).values_list("date_joined", flat=True).first()
    if joined is not None and joined >= started_at:
        signup_bonus_post(account=account, program=program, now=now)


def signup_bonus_post(
    *, account: LoyaltyAccount, program: ChannelProgram, now: datetime.datetime
) -> Posting:
    """The sign-up bonus of the account's customer in its channel (once)."""
    return post_entry(
        account=account,
        points=program.config.loyalty.signup_bonus,
        entry_type=EntryType.BONUS,
        idempotency_key=f"bonus:signup:{account.user_id}:{account.channel_id}",
        source=EntrySource(reason="sign-up bonus"),
        expires_at=expires_after(program.config.loyalty.expire_seconds, now),
        occurred_at=now,
    )
