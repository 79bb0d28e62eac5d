"""Erasure: a deleted customer leaves no personal data in any CRM table, and every sum
and report stays as it was (docs/privacy.md)."""

import datetime

import graphene
import pytest
from django.db.models import Sum
from django.utils import timezone
from saleor.account.models import User
from saleor.core.tokens import account_delete_token_generator
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.carts.models import AbandonedCheckout, CartRecoveryOffer, CartReminder
from saleor_crm_plugin.consent.models import ConsentEvent, MarketingConsent
from saleor_crm_plugin.journeys.models import (
    EnrollmentStatus,
    JourneyEnrollment,
    JourneyKind,
    JourneyMessage,
)
from saleor_crm_plugin.journeys.sweep import journeys_sweep
from saleor_crm_plugin.loyalty.accounts import account_get_or_create
from saleor_crm_plugin.loyalty.bonuses import customer_birthday_set
from saleor_crm_plugin.loyalty.audit import ledger_audit
from saleor_crm_plugin.loyalty.models import LoyaltyAccount, LoyaltyEntry
from saleor_crm_plugin.privacy.erasure import customer_data_erase
from saleor_crm_plugin.segments.actions import customer_segment_create
from saleor_crm_plugin.segments.models import (
    CustomerSegment,
    CustomerTag,
    SegmentMembership,
    SegmentMembershipEvent,
)
from saleor_crm_plugin.stores.models import StorePurchase

from ..graphql.loyalty.test_customer_deletion import ACCOUNT_DELETE, CUSTOMER_DELETE
from .utils import crm_history, personal_data_found

REPORTS = """
query($channel: String!, $period: DateTimeRangeInput) {
  loyaltyReport(channel: $channel, period: $period, unit: MONTH) {
    buckets { start issued adjusted redeemed expired reversed liabilityPoints }
  }
  cartRecoveryStats(channel: $channel, period: $period) {
    detected reminded recovered recoveryRate
    recoveredRevenue { amount } discountCost { amount }
    byStage { stage reminded recovered }
  }
  storeReport(channel: $channel, period: $period) {
    stores { name purchases linkedPurchases customers purchaseRevenue { amount } }
  }
}
"""


def _reports(client, channel) -> dict:
    period = {"gte": "2026-01-01T00:00:00+00:00", "lte": "2027-12-31T00:00:00+00:00"}
    response = client.post_graphql(REPORTS, {"channel": channel.slug, "period": period})
    return get_graphql_content(response)["data"]


def _ledger(channel) -> tuple:
    accounts = LoyaltyAccount.objects.filter(channel=channel)
    return (
        accounts.count(),
        accounts.aggregate(balance=Sum("balance"), lifetime=Sum("lifetime_points")),
        LoyaltyEntry.objects.filter(account__channel=channel).aggregate(points=Sum("points")),
    )


def _rows_of(user_id: int) -> dict[str, int]:
    return {
        "tags": CustomerTag.objects.filter(user_id=user_id).count(),
        "memberships": SegmentMembership.objects.filter(user_id=user_id).count(),
        "membership events": SegmentMembershipEvent.objects.filter(user_id=user_id).count(),
        "consents": MarketingConsent.objects.filter(user_id=user_id).count(),
        "consent events": ConsentEvent.objects.filter(user_id=user_id).count(),
        "abandoned": AbandonedCheckout.objects.filter(user_id=user_id).count(),
        "purchases": StorePurchase.objects.filter(user_id=user_id).count(),
        "accounts": LoyaltyAccount.objects.filter(user_id=user_id).count(),
    }


@pytest.fixture
def two_customers(crm_usd, store, customer_user, customer_user2):
    crm_history(customer_user, crm_usd, store, key="one")
    crm_history(customer_user2, crm_usd, store, key="two")
    segment = customer_segment_create(
        name="VIP", definition={"field": "tags", "op": "has", "value": "vip"}, channel_id=None
    )
    assert segment.member_count == 2
    return segment


@pytest.fixture
def staff_reporter(
    staff_api_client, permission_manage_users, permission_manage_orders, permission_manage_checkouts
):
    staff_api_client.user.user_permissions.add(
        permission_manage_users, permission_manage_orders, permission_manage_checkouts
    )
    return staff_api_client


def test_customer_delete_erases_every_personal_field_and_keeps_sums_and_reports(
    staff_reporter,
    crm_usd,
    customer_user,
    customer_user2,
    two_customers,
    django_capture_on_commit_callbacks,
):
    # given
    customer_id, email = customer_user.pk, customer_user.email
    assert {value for _table, _column, value in personal_data_found(email, "fp_one")} == {
        email,
        "fp_one",
    }
    reports_before = _reports(staff_reporter, crm_usd)
    ledger_before = _ledger(crm_usd)
    other_before = _rows_of(customer_user2.pk)

    # when: Saleor's own mutation deletes the customer; the hook's task runs on commit
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_reporter.post_graphql(
            CUSTOMER_DELETE, {"id": graphene.Node.to_global_id("User", customer_id)}
        )

    # then: no e-mail, name or card of theirs is left in any CRM table
    assert get_graphql_content(response)["data"]["customerDelete"]["errors"] == []
    assert not User.objects.filter(pk=customer_id).exists()
    assert personal_data_found(email, "Leslie", "Wade", "fp_one") == []
    # every sum and report is as it was
    assert _ledger(crm_usd) == ledger_before
    assert ledger_audit() == (2, [])
    assert _reports(staff_reporter, crm_usd) == reports_before
    # what is left of them is pseudonymous
    assert _rows_of(customer_id) == {
        "tags": 0,
        "memberships": 0,
        "membership events": 0,
        "consents": 0,
        "consent events": 0,
        "abandoned": 0,
        "purchases": 1,  # an id no row points to: storeReport keeps its customer
        "accounts": 0,
    }
    assert LoyaltyAccount.objects.filter(user=None, anonymised_at__isnull=False).count() == 1
    assert AbandonedCheckout.objects.filter(email__endswith="@erased.invalid").count() == 2
    assert CartReminder.objects.filter(email__endswith="@erased.invalid").count() == 3
    assert CartRecoveryOffer.objects.filter(email__endswith="@erased.invalid").count() == 1
    assert JourneyEnrollment.objects.filter(email__endswith="@erased.invalid").count() == 1
    assert JourneyMessage.objects.filter(email__endswith="@erased.invalid").count() == 1
    assert CustomerSegment.objects.get(pk=two_customers.pk).member_count == 1
    # the other customer is untouched
    assert _rows_of(customer_user2.pk) == other_before
    assert {value for _table, _column, value in personal_data_found("test2@example.com")} == {
        "test2@example.com"
    }


def test_a_customer_deleting_their_own_account_is_erased_too(
    user_api_client, crm_usd, customer_user, two_customers, django_capture_on_commit_callbacks
):
    # given
    email = customer_user.email
    token = account_delete_token_generator.make_token(customer_user)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = user_api_client.post_graphql(ACCOUNT_DELETE, {"token": token})

    # then
    assert get_graphql_content(response)["data"]["accountDelete"]["errors"] == []
    assert personal_data_found(email, "Leslie", "Wade", "fp_one") == []


def test_erasure_is_idempotent(crm_usd, customer_user, two_customers):
    # given: the customer was deleted and erased once
    customer_id, email = customer_user.pk, customer_user.email
    customer_user.delete()
    first = customer_data_erase(user_id=customer_id, emails=[email], account_deleted=True)
    rows = _rows_of(customer_id)

    # when
    second = customer_data_erase(user_id=customer_id, emails=[email], account_deleted=True)

    # then
    assert first.changed > 0
    assert second.changed == 0
    assert _rows_of(customer_id) == rows


def test_erasure_on_request_keeps_the_account_and_records_the_objection(
    crm_usd, customer_user, customer_user2, two_customers
):
    # given
    ledger_before = _ledger(crm_usd)

    # when
    customer_data_erase(
        user_id=customer_user.pk, emails=[customer_user.email], account_deleted=False
    )

    # then: the account stays; the CRM holds only the objection under its address
    assert User.objects.filter(pk=customer_user.pk).exists()
    assert sorted(
        MarketingConsent.objects.filter(user=customer_user).values_list(
            "purpose", "granted", "source"
        )
    ) == [("email_marketing", False, "staff"), ("profiling", False, "staff")]
    assert {
        (table, column) for table, column, _value in personal_data_found(customer_user.email)
    } == {("saleor_crm_marketingconsent", "email"), ("saleor_crm_consentevent", "email")}
    assert personal_data_found("fp_one", "Leslie", "Wade") == []
    assert _ledger(crm_usd) == ledger_before
    assert LoyaltyAccount.objects.filter(user=customer_user).count() == 0
    # profiling withdrawn: out of the segment, which counts the other customer only
    assert SegmentMembership.objects.filter(user=customer_user).count() == 0
    assert CustomerSegment.objects.get(pk=two_customers.pk).member_count == 1
    assert SegmentMembership.objects.filter(user=customer_user2).count() == 1


def test_erased_customer_gets_no_further_journey_message(
    journey_on, journeys_channel, smtp_server, customer_user
):
    # given: an open two-stage enrollment whose first stage was sent
    account_get_or_create(user_id=customer_user.pk, channel_id=journeys_channel.pk)
    customer_birthday_set(user=customer_user, birthday=timezone.now().date().replace(year=1990))
    stages = [
        {"delay": "1m", "subject": "One", "body": "<p>1</p>", "offer_points": 0},
        {"delay": "2d", "subject": "Two", "body": "<p>2</p>", "offer_points": 0},
    ]
    journey_on(JourneyKind.BIRTHDAY, stages=stages)
    now = timezone.now() + datetime.timedelta(minutes=1)
    first = journeys_sweep(now=now)

    # when: the customer is erased on request, then the second stage falls due
    customer_data_erase(
        user_id=customer_user.pk, emails=[customer_user.email], account_deleted=False
    )
    later = journeys_sweep(now=now + datetime.timedelta(days=3))

    # then
    assert (first.sent, later.sent, later.skipped) == (1, 0, 0)
    assert len(smtp_server.messages) == 1
    enrollment = JourneyEnrollment.objects.get()
    assert enrollment.status == EnrollmentStatus.SUPPRESSED
    assert enrollment.email.endswith("@erased.invalid")
