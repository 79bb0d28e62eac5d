"""Recording till purchases, linking them to shoppers, unlinking, refunds: the points follow."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_crm_plugin.loyalty import bonuses
from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyAccount, LoyaltyEntry
from saleor_crm_plugin.stores.error_codes import StoreErrorCode
from saleor_crm_plugin.stores.exceptions import StoreError
from saleor_crm_plugin.stores.models import (
    LinkAction,
    LinkMethod,
    PurchaseSource,
    StorePurchase,
    StorePurchaseLink,
)
from saleor_crm_plugin.stores.purchases import (
    Actor,
    CustomerKeys,
    store_purchase_link,
    store_purchase_points_sync,
    store_purchase_record,
    store_purchase_record_at_till,
    store_purchase_unlink,
    store_refund_record,
)

from ..fixtures.loyalty import account_state, balance_of, ledger_entries
from ..fixtures.plugin import configure_crm
from ..fixtures.stores import purchase_input, record_purchase

STAFF = Actor()


def written() -> tuple[int, int, int]:
    return (
        StorePurchase.objects.count(),
        StorePurchaseLink.objects.count(),
        LoyaltyEntry.objects.count(),
    )


def test_recording_twice_returns_the_first_purchase(store, crm_usd):
    # given
    first = store_purchase_record(data=purchase_input(store, crm_usd))

    # when
    again = store_purchase_record(data=purchase_input(store, crm_usd))

    # then
    assert (first.created, again.created) == (True, False)
    assert again.purchase.pk == first.purchase.pk
    assert StorePurchase.objects.count() == 1
    purchase = first.purchase
    assert (purchase.warehouse_name, purchase.amount, purchase.user_id) == (
        store.name,
        Decimal("120.00"),
        None,
    )
    assert len(purchase.receipt_code) == 10


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"amount": Decimal("99.00")}, StoreErrorCode.EXTERNAL_ID_CONFLICT, "externalId"),
        ({"currency": "EUR"}, StoreErrorCode.CURRENCY_MISMATCH, "currency"),
    ],
)
def test_same_id_with_other_details_is_refused(store, crm_usd, overrides, code, field):
    # given
    record_purchase(store, crm_usd)
    before = written()

    # when
    with pytest.raises(StoreError) as error:
        store_purchase_record(data=purchase_input(store, crm_usd, **overrides))

    # then
    assert (error.value.code, error.value.field) == (code, field)
    assert written() == before


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"external_id": ""}, StoreErrorCode.REQUIRED, "externalId"),
        ({"external_id": "x\x00y"}, StoreErrorCode.REQUIRED, "externalId"),
        ({"amount": Decimal(0)}, StoreErrorCode.INVALID, "amount"),
        ({"amount": Decimal("-5")}, StoreErrorCode.INVALID, "amount"),
        (
            {"purchased_at": timezone.now() + datetime.timedelta(days=1)},
            StoreErrorCode.INVALID,
            "purchasedAt",
        ),
        ({"lines": ({"name": "", "quantity": 1, "amount": "1"},)}, StoreErrorCode.INVALID, "lines"),
        (
            {"lines": ({"name": "Mug", "quantity": 0, "amount": "1"},)},
            StoreErrorCode.INVALID,
            "lines",
        ),
    ],
)
def test_bad_input_writes_nothing(store, crm_usd, overrides, code, field):
    # when
    with pytest.raises(StoreError) as error:
        store_purchase_record(data=purchase_input(store, crm_usd, **overrides))

    # then
    assert (error.value.code, error.value.field) == (code, field)
    assert written() == (0, 0, 0)


def test_store_must_serve_the_channel(store, crm_usd, channel_PLN):
    # when a till in the USD-only store records a PLN sale
    with pytest.raises(StoreError) as error:
        store_purchase_record(data=purchase_input(store, channel_PLN, currency="PLN"))

    # then
    assert error.value.code == StoreErrorCode.STORE_NOT_FOUND
    assert written() == (0, 0, 0)


def test_link_earns_points_back_dated_to_the_purchase(store, crm_usd, customer_user):
    # given a purchase a week ago, with a 14-day return window
    configure_crm(crm_usd, pending_period="14d")
    week_ago = timezone.now() - datetime.timedelta(days=7)
    purchase = record_purchase(store, crm_usd, purchased_at=week_ago)

    # when
    points = store_purchase_link(
        purchase_id=purchase.pk,
        user_id=customer_user.pk,
        method=LinkMethod.MEMBER_CODE,
        actor=STAFF,
    )

    # then 120.00 at 1 point per 1.00, pending until 14 days after the purchase
    earn = LoyaltyEntry.objects.get()
    assert (points.earned, points.reversed) == (120, 0)
    assert (earn.type, earn.points, earn.status) == (EntryType.EARN, 120, "pending")
    assert earn.occurred_at == week_ago
    assert earn.available_at == week_ago + datetime.timedelta(days=14)
    assert earn.source_reference == f"store purchase {purchase.receipt_code}"
    purchase.refresh_from_db()
    assert purchase.user_id == customer_user.pk


def test_linking_again_changes_nothing(store_purchase, crm_usd, customer_user):
    # given
    store_purchase_link(
        purchase_id=store_purchase.pk, user_id=customer_user.pk, method="email", actor=STAFF
    )

    # when
    points = store_purchase_link(
        purchase_id=store_purchase.pk, user_id=customer_user.pk, method="email", actor=STAFF
    )

    # then
    assert (points.earned, points.reversed) == (0, 0)
    assert (StorePurchaseLink.objects.count(), balance_of(customer_user, crm_usd)) == (1, 120)


def test_a_purchase_linked_to_someone_else_is_refused(
    store_purchase, crm_usd, customer_user, customer_user2
):
    # given
    store_purchase_link(
        purchase_id=store_purchase.pk, user_id=customer_user.pk, method="email", actor=STAFF
    )
    before = written()

    # when
    with pytest.raises(StoreError) as error:
        store_purchase_link(
            purchase_id=store_purchase.pk, user_id=customer_user2.pk, method="email", actor=STAFF
        )

    # then
    assert error.value.code == StoreErrorCode.ALREADY_LINKED
    assert written() == before


def test_unlink_takes_the_points_back_and_keeps_the_history(
    store_purchase, crm_usd, customer_user, customer_user2, staff_user
):
    # given a wrong link
    store_purchase_link(
        purchase_id=store_purchase.pk, user_id=customer_user.pk, method="phone", actor=STAFF
    )

    # when staff unlink it and link the right shopper
    unlinked = store_purchase_unlink(
        purchase_id=store_purchase.pk,
        reason="Wrong phone number typed",
        actor=Actor(user_id=staff_user.pk),
    )
    relinked = store_purchase_link(
        purchase_id=store_purchase.pk,
        user_id=customer_user2.pk,
        method="member_code",
        actor=STAFF,
    )

    # then
    assert (unlinked.reversed, relinked.earned) == (120, 120)
    assert balance_of(customer_user, crm_usd) == 0
    assert balance_of(customer_user2, crm_usd) == 120
    history = list(
        StorePurchaseLink.objects.order_by("pk").values_list(
            "action", "user_id", "method", "reason", "actor_user_id"
        )
    )
    assert history == [
        (LinkAction.LINK, customer_user.pk, "phone", "", None),
        (LinkAction.UNLINK, customer_user.pk, "", "Wrong phone number typed", staff_user.pk),
        (LinkAction.LINK, customer_user2.pk, "member_code", "", None),
    ]


def test_unlink_after_the_points_were_spent_leaves_a_debt(store_purchase, crm_usd, customer_user):
    # given the shopper spent part of the points (an adjustment stands in for spending)
    store_purchase_link(
        purchase_id=store_purchase.pk, user_id=customer_user.pk, method="email", actor=STAFF
    )
    account = LoyaltyAccount.objects.get(user=customer_user)
    bonuses.account_points_adjust(
        user=customer_user,
        channel_id=crm_usd.pk,
        points=-100,
        reason="spent",
        idempotency_key="spent",
    )

    # when
    store_purchase_unlink(purchase_id=store_purchase.pk, reason="not theirs", actor=STAFF)

    # then the balance is a debt the next points repay; lifetime points are back to 0
    assert account_state(account) == (-100, 0, 0)


def test_unlink_of_an_unlinked_purchase_is_refused(store_purchase, crm_usd):
    # when
    with pytest.raises(StoreError) as error:
        store_purchase_unlink(purchase_id=store_purchase.pk, reason="oops", actor=STAFF)

    # then
    assert error.value.code == StoreErrorCode.NOT_LINKED
    assert StorePurchaseLink.objects.count() == 0


def test_unlink_needs_a_reason(store_purchase, crm_usd, customer_user):
    # given
    store_purchase_link(
        purchase_id=store_purchase.pk, user_id=customer_user.pk, method="email", actor=STAFF
    )

    # when
    with pytest.raises(StoreError) as error:
        store_purchase_unlink(purchase_id=store_purchase.pk, reason="  ", actor=STAFF)

    # then
    assert (error.value.code, error.value.field) == (StoreErrorCode.REQUIRED, "reason")
    assert balance_of(customer_user, crm_usd) == 120


def test_partial_then_full_refund_take_back_their_share_once(
    store_purchase, crm_usd, customer_user
):
    # given
    store_purchase_link(
        purchase_id=store_purchase.pk, user_id=customer_user.pk, method="email", actor=STAFF
    )

    # when 30.00 of 120.00 is refunded, reported twice, then the whole of it
    for total in ("30.00", "30.00", "120.00", "30.00"):
        store_refund_record(
            source=PurchaseSource.API,
            external_id=store_purchase.external_id,
            refunded_total=Decimal(total),
            currency="USD",
        )

    # then
    assert ledger_entries() == [("earn", 120), ("reverse", -30), ("reverse", -90)]
    assert balance_of(customer_user, crm_usd) == 0


def test_refund_before_the_purchase_is_counted_when_it_arrives(store, crm_usd, customer_user):
    # given the refund of 60.00 arrives first
    assert (
        store_refund_record(
            source=PurchaseSource.API,
            external_id="till-1:0001",
            refunded_total=Decimal("60.00"),
            currency="USD",
        )
        is None
    )

    # when the purchase is recorded and linked
    purchase = record_purchase(store, crm_usd)
    store_purchase_link(
        purchase_id=purchase.pk, user_id=customer_user.pk, method="email", actor=STAFF
    )

    # then it earns on what is left of it
    assert ledger_entries() == [("earn", 120), ("reverse", -60)]
    assert balance_of(customer_user, crm_usd) == 60


def test_points_sync_of_an_unlinked_purchase_posts_nothing(store_purchase, crm_usd):
    # when
    points = store_purchase_points_sync(purchase_id=store_purchase.pk)

    # then
    assert (points.earned, points.reversed, LoyaltyEntry.objects.count()) == (0, 0, 0)


def test_inactive_programme_records_but_earns_nothing(store, channel_USD, customer_user):
    # given
    configure_crm(channel_USD, active=False)
    purchase = record_purchase(store, channel_USD)

    # when
    points = store_purchase_link(
        purchase_id=purchase.pk, user_id=customer_user.pk, method="email", actor=STAFF
    )

    # then
    assert (points.earned, LoyaltyEntry.objects.count()) == (0, 0)
    purchase.refresh_from_db()
    assert purchase.user_id == customer_user.pk


def test_till_sale_finds_the_shopper_before_writing(store, crm_usd, customer_user):
    # when an unknown e-mail is given
    with pytest.raises(StoreError) as error:
        store_purchase_record_at_till(
            data=purchase_input(store, crm_usd),
            customer=CustomerKeys(email="nobody@example.com"),
            actor=STAFF,
        )

    # then
    assert (error.value.code, error.value.field) == (StoreErrorCode.CUSTOMER_NOT_FOUND, "email")
    assert written() == (0, 0, 0)


def test_till_sale_by_member_code(store, crm_usd, customer_user, usd_account):
    # when the shopper's code is typed in lower case with a dash
    code = usd_account.member_code
    sale = store_purchase_record_at_till(
        data=purchase_input(store, crm_usd),
        customer=CustomerKeys(member_code=f"{code[:5]}-{code[5:]}".lower()),
        actor=STAFF,
    )

    # then
    assert (sale.created, sale.points.earned, sale.purchase.user_id) == (
        True,
        120,
        customer_user.pk,
    )
    assert StorePurchaseLink.objects.get().method == LinkMethod.MEMBER_CODE


def test_till_sale_with_a_mistyped_member_code_writes_nothing(
    store, crm_usd, customer_user, usd_account
):
    # given one character changed
    code = usd_account.member_code
    typo = ("1" if code[0] != "1" else "2") + code[1:]

    # when
    with pytest.raises(StoreError) as error:
        store_purchase_record_at_till(
            data=purchase_input(store, crm_usd),
            customer=CustomerKeys(member_code=typo),
            actor=STAFF,
        )

    # then
    assert error.value.code == StoreErrorCode.INVALID_MEMBER_CODE
    assert written() == (0, 0, 0)


def test_till_sale_by_phone_refuses_a_shared_number(
    store, crm_usd, customer_user, customer_user2, address
):
    # given both customers saved an address with the same phone
    for customer in (customer_user, customer_user2):
        shared = address.get_copy()
        shared.phone = "+48600700800"
        shared.save()
        customer.addresses.add(shared)

    # when
    with pytest.raises(StoreError) as error:
        store_purchase_record_at_till(
            data=purchase_input(store, crm_usd),
            customer=CustomerKeys(phone="+48 600 700 800"),
            actor=STAFF,
        )

    # then
    assert error.value.code == StoreErrorCode.AMBIGUOUS_CUSTOMER
    assert written() == (0, 0, 0)


def test_till_sale_by_phone(store, crm_usd, customer_user, address):
    # given
    own = address.get_copy()
    own.phone = "+48600700800"
    own.save()
    customer_user.addresses.add(own)

    # when
    sale = store_purchase_record_at_till(
        data=purchase_input(store, crm_usd),
        customer=CustomerKeys(phone="+48 600-700-800"),
        actor=STAFF,
    )

    # then
    assert (sale.purchase.user_id, StorePurchaseLink.objects.get().method) == (
        customer_user.pk,
        LinkMethod.PHONE,
    )


@pytest.mark.parametrize(
    "keys",
    [CustomerKeys(), CustomerKeys(email="a@example.com", phone="+48600700800")],
)
def test_till_sale_names_the_shopper_exactly_once(store, crm_usd, keys):
    # when
    with pytest.raises(StoreError) as error:
        store_purchase_record_at_till(
            data=purchase_input(store, crm_usd), customer=keys, actor=STAFF
        )

    # then
    assert error.value.field == "customer"
    assert written() == (0, 0, 0)
