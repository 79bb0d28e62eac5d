"""Points without a purchase: sign-up, birthday, staff adjustments."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time
from saleor.account.models import User
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.loyalty.accounts import program_start_record
from saleor_crm_plugin.loyalty.error_codes import LoyaltyErrorCode
from saleor_crm_plugin.loyalty.bonuses import (
    account_points_adjust,
    birthday_bonuses_award,
    customer_birthday_set,
)
from saleor_crm_plugin.loyalty.exceptions import InvalidPoints, LoyaltyError, ProgramInactive
from saleor_crm_plugin.loyalty.models import (
    CustomerProfile,
    EntryType,
    LoyaltyAccount,
    LoyaltyEntry,
    LoyaltyProgramStart,
)
from saleor_crm_plugin.tasks import daily_loyalty_task
from tests.fixtures.loyalty import CustomerProfileFactory, account_state
from tests.fixtures.plugin import configure_crm

ACCOUNT_REGISTER = """
mutation Register($input: AccountRegisterInput!) {
  accountRegister(input: $input) { errors { field code message } }
}
"""


def _register(api_client, channel, email="new@example.com") -> User:
    response = api_client.post_graphql(
        ACCOUNT_REGISTER,
        {
            "input": {
                "email": email,
                "password": "A-long-enough-password-1",
                "redirectUrl": "http://localhost:3000/confirm",
                "channel": channel.slug,
            }
        },
    )
    assert get_graphql_content(response)["data"]["accountRegister"]["errors"] == []
    return User.objects.get(email=email)


def _bonuses() -> list[tuple[int, int, str]]:
    return list(
        LoyaltyEntry.objects.filter(type=EntryType.BONUS)
        .order_by("pk")
        .values_list("account__user_id", "points", "reason")
    )


@pytest.mark.parametrize("confirmation_email", [False, True])
def test_saleor_calls_customer_created_on_a_channel_plugin_only_if_it_loaded_the_channel(
    confirmation_email, api_client, channel_USD, site_settings, settings
):
    # given
    settings.ALLOWED_CLIENT_HOSTS = ["localhost"]
    site_settings.enable_account_confirmation_by_email = confirmation_email
    site_settings.save()
    configure_crm(channel_USD, signup_bonus="100")

    # when
    user = _register(api_client, channel_USD)

    # then: only the confirmation e-mail (notify for the channel) makes the manager
    # load our channel's plugin before it runs customer_created with no channel
    expected = [(user.pk, 100, "sign-up bonus")] if confirmation_email else []
    assert _bonuses() == expected


def test_new_customer_gets_the_signup_bonus_when_joining_the_programme(
    api_client, channel_USD, site_settings, settings, crm_order, order_payments
):
    # given: the programme started before the customer registered (no confirmation
    # e-mail, so Saleor's customer_created never reaches the channel's plugin)
    settings.ALLOWED_CLIENT_HOSTS = ["localhost"]
    site_settings.enable_account_confirmation_by_email = False
    site_settings.save()
    configure_crm(channel_USD, pending_period="0", signup_bonus="100")
    program_start_record(channel_id=channel_USD.pk, started_at=timezone.now())
    user = _register(api_client, channel_USD)

    # when: two paid orders
    for psp in ("first", "second"):
        order_payments.charge(crm_order(channel_USD, [(Decimal("10.00"), 1)], user=user), psp=psp)

    # then: the bonus came once, when the account opened
    assert _bonuses() == [(user.pk, 100, "sign-up bonus")]
    account = LoyaltyAccount.objects.get(user=user, channel=channel_USD)
    assert account_state(account) == (120, 0, 120)


def test_customers_who_joined_before_the_programme_get_no_signup_bonus(
    channel_USD, customer_user, crm_order, order_payments
):
    # given: nothing recorded a start; the first account opened starts the programme
    configure_crm(channel_USD, pending_period="0", signup_bonus="100")

    # when
    order_payments.charge(crm_order(channel_USD, [(Decimal("10.00"), 1)]))

    # then
    account = LoyaltyAccount.objects.get(user=customer_user, channel=channel_USD)
    start = LoyaltyProgramStart.objects.get(channel=channel_USD)
    assert start.started_at == account.created_at
    assert customer_user.date_joined < start.started_at
    assert _bonuses() == []
    assert account_state(account) == (10, 0, 10)


@pytest.fixture
def birthday_member(channel_USD, customer_user):
    """customer_user, born on 15 June, a member of the USD programme (bonus 50)."""
    configure_crm(channel_USD, pending_period="0", birthday_bonus="50")
    CustomerProfileFactory(user=customer_user, birthday=datetime.date(1990, 6, 15))
    return LoyaltyAccount.objects.create(user=customer_user, channel=channel_USD)


def test_birthday_bonus_once_a_year(birthday_member, channel_USD, customer_user, customer_user2):
    # given: another customer born the same day who never joined the programme
    CustomerProfileFactory(user=customer_user2, birthday=datetime.date(1985, 6, 15))

    # when
    awarded = [
        birthday_bonuses_award(channel_id=channel_USD.pk, today=datetime.date(2026, 6, 14)),
        birthday_bonuses_award(channel_id=channel_USD.pk, today=datetime.date(2026, 6, 15)),
        birthday_bonuses_award(channel_id=channel_USD.pk, today=datetime.date(2026, 6, 15)),
        birthday_bonuses_award(channel_id=channel_USD.pk, today=datetime.date(2027, 6, 15)),
    ]

    # then
    assert awarded == [0, 1, 0, 1]
    assert _bonuses() == [
        (customer_user.pk, 50, "birthday 2026"),
        (customer_user.pk, 50, "birthday 2027"),
    ]
    assert account_state(birthday_member) == (100, 0, 100)


@pytest.mark.parametrize(
    ("today", "awarded"),
    [
        (datetime.date(2027, 2, 28), 1),  # not a leap year: celebrated on 28 February
        (datetime.date(2027, 3, 1), 0),
        (datetime.date(2028, 2, 28), 0),  # a leap year: on the day itself
        (datetime.date(2028, 2, 29), 1),
    ],
)
def test_february_29_birthdays(birthday_member, channel_USD, customer_user, today, awarded):
    # given
    CustomerProfile.objects.filter(user=customer_user).update(birthday=datetime.date(2000, 2, 29))

    # when / then
    assert birthday_bonuses_award(channel_id=channel_USD.pk, today=today) == awarded
    assert LoyaltyEntry.objects.count() == awarded


def test_daily_task_gives_birthday_bonuses_in_active_programmes(
    birthday_member, channel_USD, channel_PLN, customer_user
):
    # given: a member of an inactive programme too
    configure_crm(channel_PLN, active=False, birthday_bonus="50")
    LoyaltyAccount.objects.create(user=customer_user, channel=channel_PLN)

    # when
    with freeze_time("2026-06-15 03:00:00"):
        daily_loyalty_task()

    # then
    assert list(LoyaltyEntry.objects.values_list("account__channel_id", "reason")) == [
        (channel_USD.pk, "birthday 2026")
    ]


def test_staff_adjustment_keeps_its_reason_and_actor(crm_usd, customer_user, staff_user):
    # when
    posting = account_points_adjust(
        user=customer_user,
        channel_id=crm_usd.pk,
        points=-15,
        reason="  Damaged parcel goodwill reversed  ",
        idempotency_key="adjust-1",
        actor_user_id=staff_user.pk,
    )

    # then
    entry = posting.entry
    assert (entry.type, entry.points, entry.reason, entry.actor_user_id) == (
        EntryType.ADJUST,
        -15,
        "Damaged parcel goodwill reversed",
        staff_user.pk,
    )


@pytest.mark.parametrize(
    ("points", "reason", "field", "code"),
    [
        (10, "", "reason", LoyaltyErrorCode.REQUIRED),
        (10, "   ", "reason", LoyaltyErrorCode.REQUIRED),
        (10, "x" * 1001, "reason", LoyaltyErrorCode.OUT_OF_RANGE),
        (0, "why", "points", LoyaltyErrorCode.OUT_OF_RANGE),
    ],
)
def test_staff_adjustment_with_bad_input_raises_and_writes_nothing(
    crm_usd, customer_user, points, reason, field, code
):
    # when
    with pytest.raises(LoyaltyError) as error:
        account_points_adjust(
            user=customer_user,
            channel_id=crm_usd.pk,
            points=points,
            reason=reason,
            idempotency_key="k",
        )

    # then
    assert error.value.field == field
    assert error.value.code == code
    assert LoyaltyAccount.objects.count() == 0
    assert LoyaltyEntry.objects.count() == 0


def test_staff_adjustment_in_an_inactive_programme_raises_and_writes_nothing(
    channel_USD, customer_user
):
    # given
    configure_crm(channel_USD, active=False)

    # when
    with pytest.raises(ProgramInactive) as error:
        account_points_adjust(
            user=customer_user,
            channel_id=channel_USD.pk,
            points=10,
            reason="why",
            idempotency_key="k",
        )

    # then
    assert error.value.code == LoyaltyErrorCode.CHANNEL_INACTIVE
    assert error.value.field == "channel"
    assert LoyaltyAccount.objects.count() == 0
    assert LoyaltyEntry.objects.count() == 0


def test_birthday_in_the_future_raises_and_writes_nothing(customer_user):
    # when
    with pytest.raises(InvalidPoints) as error:
        customer_birthday_set(
            user=customer_user,
            birthday=timezone.now().date() + datetime.timedelta(days=1),
        )

    # then
    assert error.value.field == "birthday"
    assert CustomerProfile.objects.count() == 0
