"""Management commands: the ledger audit and the backfill of historical orders."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, ManagementUtility, call_command
from django.utils import timezone
from freezegun import freeze_time

from saleor.giftcard.models import GiftCard

from saleor_crm_plugin.loyalty.ledger import post_entry
from saleor_crm_plugin.loyalty.models import (
    EntryStatus,
    EntryType,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyRedemption,
)
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.plugin import configure_crm
from tests.graphql.loyalty.checkout_utils import apply_points, customer_checkout


def _run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_audit_passes_when_every_account_matches_its_entries(
    crm_usd, customer_user, customer_user2, usd_account
):
    # given
    other = LoyaltyAccount.objects.create(user=customer_user2, channel=crm_usd)
    post_entry(account=usd_account, points=40, entry_type=EntryType.BONUS, idempotency_key="a")
    post_entry(
        account=usd_account,
        points=-10,
        entry_type=EntryType.REDEEM,
        idempotency_key="b",
    )
    post_entry(account=other, points=-5, entry_type=EntryType.ADJUST, idempotency_key="c")

    # when
    output = _run("crm_loyalty_audit")

    # then
    assert output == "2 loyalty accounts checked: all consistent.\n"


@pytest.mark.crm_audit_skip
def test_audit_lists_the_accounts_that_disagree_and_exits_non_zero(
    crm_usd, customer_user, customer_user2, usd_account, capsys
):
    # given: two accounts whose rows were edited behind the ledger's back
    other = LoyaltyAccount.objects.create(user=customer_user2, channel=crm_usd)
    post_entry(account=usd_account, points=40, entry_type=EntryType.BONUS, idempotency_key="a")
    post_entry(account=other, points=30, entry_type=EntryType.BONUS, idempotency_key="b")
    LoyaltyAccount.objects.filter(pk=usd_account.pk).update(balance=45, pending=3)
    LoyaltyEntry.objects.filter(idempotency_key="b").update(remaining=20)

    # when
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "crm_loyalty_audit"]).execute()

    # then
    captured = capsys.readouterr()
    assert exit_info.value.code == 1
    assert captured.out.splitlines() == [
        f"account {usd_account.pk} (user {customer_user.pk}, channel {crm_usd.pk}): "
        "balance 45 != Σ available 40; pending 3 != Σ pending 0",
        f"account {other.pk} (user {customer_user2.pk}, channel {crm_usd.pk}): "
        "Σ remaining 20 != max(Σ available, 0) 30; "
        "1 batch(es) with remaining != points - allocations",
    ]
    assert captured.err == "CommandError: 2 of 2 loyalty accounts disagree with their entries.\n"


@pytest.fixture
def historical_orders(channel_USD, crm_order, order_payments, customer_user, customer_user2):
    """Orders paid before the programme was switched on.

    10.00 and 20.00 of customer_user 30 days ago, 30.00 of customer_user2 2 days ago
    with a third refunded, and an unpaid one. The programme then has a 14-day return
    window and a sign-up bonus of 100.
    """
    configure_crm(channel_USD, active=False)
    now = timezone.now()
    with freeze_time(now - datetime.timedelta(days=30)):
        first = crm_order(channel_USD, [(Decimal("10.00"), 1)])
        second = crm_order(channel_USD, [(Decimal("20.00"), 1)])
        order_payments.charge(first, psp="first")
        order_payments.charge(second, psp="second")
    with freeze_time(now - datetime.timedelta(days=2)):
        third = crm_order(channel_USD, [(Decimal("30.00"), 1)], user=customer_user2)
        payment = order_payments.charge(third, psp="third")
        order_payments.report(payment, "REFUND_SUCCESS", Decimal("12.30"), psp="refund")
        crm_order(channel_USD, [(Decimal("99.00"), 1)])
    configure_crm(channel_USD, pending_period="14d", signup_bonus="100")
    return first, second, third


def test_backfill_dry_run_prints_the_totals_and_writes_nothing(historical_orders):
    # when
    output = _run("crm_loyalty_backfill", "--dry-run")

    # then
    assert output.splitlines() == [
        "[main] 4/4 orders",
        "[main] would award: orders=3 customers=2 points=50",
    ]
    assert LoyaltyAccount.objects.count() == 0
    assert LoyaltyEntry.objects.count() == 0


def test_backfill_awards_historical_orders_once(
    historical_orders, channel_USD, customer_user, customer_user2
):
    # when: run, then run again
    first_run = _run("crm_loyalty_backfill")
    second_run = _run("crm_loyalty_backfill", "--channel", channel_USD.slug)

    # then: the return window counted from each order's date; no sign-up bonus for
    # customers who were there before the programme
    assert first_run.splitlines() == [
        "[main] 4/4 orders",
        "[main] awarded: orders=3 customers=2 points=50",
    ]
    assert second_run.splitlines() == [
        "[main] 1/1 orders",
        "[main] awarded: orders=0 customers=0 points=0",
    ]
    totals = {
        account.user_id: (account.balance, account.pending)
        for account in LoyaltyAccount.objects.all()
    }
    assert totals == {customer_user.pk: (30, 0), customer_user2.pk: (0, 20)}
    assert list(
        LoyaltyEntry.objects.order_by("type", "points").values_list("type", "points", "status")
    ) == [
        (EntryType.EARN, 10, EntryStatus.AVAILABLE),
        (EntryType.EARN, 20, EntryStatus.AVAILABLE),
        (EntryType.EARN, 30, EntryStatus.PENDING),
        (EntryType.REVERSE, -10, EntryStatus.PENDING),
    ]
    first = historical_orders[0]
    assert LoyaltyEntry.objects.get(order_id=first.pk).occurred_at == first.created_at
    assert ledger_problems() == []


def test_backfill_resumes_with_the_orders_not_yet_done(historical_orders, customer_user):
    # given: a first run limited to the last week (as if it stopped there)
    since = (timezone.now() - datetime.timedelta(days=7)).date().isoformat()
    partial = _run("crm_loyalty_backfill", "--since", since)

    # when
    rest = _run("crm_loyalty_backfill")

    # then
    assert partial.splitlines() == [
        "[main] 2/2 orders",
        "[main] awarded: orders=1 customers=1 points=20",
    ]
    assert rest.splitlines() == [
        "[main] 3/3 orders",
        "[main] awarded: orders=2 customers=1 points=30",
    ]
    assert LoyaltyEntry.objects.filter(type=EntryType.EARN).count() == 3


def test_backfill_shows_progress_every_hundred_orders(crm_usd, customer_user, order_generator):
    # given: 150 unpaid orders to look at
    for _ in range(150):
        order_generator(channel=crm_usd)

    # when
    output = _run("crm_loyalty_backfill", "--dry-run")

    # then
    assert output.splitlines() == [
        "[main] 100/150 orders",
        "[main] 150/150 orders",
        "[main] would award: orders=0 customers=0 points=0",
    ]


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("nowhere", "No channel with slug 'nowhere'."),
        ("c-pln", "The loyalty programme is not active in channel 'c-pln'."),
    ],
)
def test_backfill_refuses_an_unknown_or_inactive_channel(crm_usd, channel_PLN, slug, message):
    # when
    with pytest.raises(CommandError) as error:
        _run("crm_loyalty_backfill", "--channel", slug)

    # then
    assert str(error.value) == message
    assert LoyaltyEntry.objects.count() == 0


@pytest.mark.crm_audit_skip
def test_audit_lists_redemptions_whose_points_differ_from_what_the_card_paid(
    user_api_client, crm_usd, checkout_with_item, customer_user, paid_order, capsys
):
    # given: an order paid 5.00 with 500 points; later, the card's balance drops by
    # 2.00 more behind the ledger's back (as a charge the settle never saw would)
    checkout = customer_checkout(checkout_with_item, customer_user, points=1000)
    assert apply_points(user_api_client, checkout, 500)["errors"] == []
    paid_order(checkout)
    redemption = LoyaltyRedemption.objects.get()
    GiftCard.objects.filter(pk=redemption.gift_card_id).update(
        initial_balance_amount=Decimal("7.00")
    )

    # when
    with pytest.raises(SystemExit) as exit_info:
        ManagementUtility(["manage.py", "crm_loyalty_audit"]).execute()

    # then
    captured = capsys.readouterr()
    assert exit_info.value.code == 1
    assert captured.out.splitlines() == [
        f"redemption {redemption.pk} (account {redemption.account_id}, gift card "
        f"{redemption.gift_card_id}): the card paid 7.000, the points spent for it "
        "are 500 (worth 5.00)"
    ]
    # (the order's tasks logged above it: the command's error is the last line)
    assert captured.err.splitlines()[-1] == (
        "CommandError: 1 of 1 redemptions spent other points than their gift card paid."
    )
