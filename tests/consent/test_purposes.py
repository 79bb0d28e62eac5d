"""Consent per purpose: one answer per (address, purpose), its history, and what a
withdrawn ``profiling`` does (segments, RFM and the value report leave the customer out)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from freezegun import freeze_time
from saleor.order import OrderStatus
from saleor.order.models import Order

from saleor_crm_plugin.consent.actions import (
    consent_set,
    has_marketing_consent,
    marketing_consent_set,
)
from saleor_crm_plugin.consent.models import (
    ConsentEvent,
    ConsentPurpose,
    ConsentSource,
    MarketingConsent,
)
from saleor_crm_plugin.segments.actions import customer_segment_create
from saleor_crm_plugin.segments.models import CustomerRfm, SegmentMembership
from saleor_crm_plugin.segments.rfm import customer_value_report, rfm_compute

User = get_user_model()


def _withdraw_profiling(customer):
    consent_set(
        email=customer.email,
        purpose=ConsentPurpose.PROFILING,
        granted=False,
        source=ConsentSource.CUSTOMER,
        user_id=customer.pk,
    )


def test_each_purpose_has_its_own_answer(customer_user):
    # when
    marketing_consent_set(
        email=customer_user.email,
        granted=True,
        source=ConsentSource.CUSTOMER,
        user_id=customer_user.pk,
    )
    _withdraw_profiling(customer_user)

    # then
    assert sorted(MarketingConsent.objects.values_list("purpose", "granted")) == [
        ("email_marketing", True),
        ("profiling", False),
    ]
    assert has_marketing_consent(email=customer_user.email) is True
    assert (
        has_marketing_consent(email=customer_user.email, purpose=ConsentPurpose.PROFILING) is False
    )


def test_every_change_is_in_the_history_and_a_repeat_is_not(customer_user):
    # given
    def answer(granted, source, at):
        with freeze_time(at):
            marketing_consent_set(
                email=customer_user.email, granted=granted, source=source, user_id=customer_user.pk
            )

    # when
    answer(True, ConsentSource.CUSTOMER, "2026-03-01T10:00:00+00:00")
    answer(True, ConsentSource.CUSTOMER, "2026-03-02T10:00:00+00:00")
    answer(False, ConsentSource.UNSUBSCRIBE_LINK, "2026-03-03T10:00:00+00:00")

    # then: the answer is stamped each time; the history has the two changes
    consent = MarketingConsent.objects.get()
    assert consent.updated_at.isoformat() == "2026-03-03T10:00:00+00:00"
    assert list(
        ConsentEvent.objects.order_by("created_at").values_list(
            "purpose", "granted", "source", "actor"
        )
    ) == [
        ("email_marketing", True, "customer", "customer"),
        ("email_marketing", False, "unsubscribe_link", "system"),
    ]


def _order(order_generator, user, channel, charged):
    order = order_generator(
        channel=channel,
        currency=channel.currency_code,
        user=user,
        user_email=user.email,
        status=OrderStatus.FULFILLED,
    )
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1), total_charged_amount=charged
    )


def test_withdrawn_profiling_leaves_the_customer_out_of_segments_rfm_and_the_value_report(
    order_generator, channel_USD
):
    # given: two buyers; one withdrew profiling
    kept = User.objects.create(email="kept@example.com")
    withdrawn = User.objects.create(email="withdrawn@example.com")
    _order(order_generator, kept, channel_USD, Decimal(50))
    _order(order_generator, withdrawn, channel_USD, Decimal(900))
    _withdraw_profiling(withdrawn)

    # when
    scored = rfm_compute(channel_id=channel_USD.pk)
    report = customer_value_report(channel_id=channel_USD.pk, top_percent=Decimal(100))
    segment = customer_segment_create(
        name="Buyers",
        definition={"field": "order_count", "op": "gte", "value": 1},
        channel_id=channel_USD.pk,
    )

    # then
    assert scored == 1
    assert list(CustomerRfm.objects.values_list("user_id", flat=True)) == [kept.pk]
    assert [customer.user_id for customer in report.top_customers] == [kept.pk]
    assert list(
        SegmentMembership.objects.filter(segment=segment).values_list("user_id", flat=True)
    ) == [kept.pk]


def test_granting_profiling_again_counts_the_customer_again(order_generator, channel_USD):
    # given
    customer = User.objects.create(email="back@example.com")
    _order(order_generator, customer, channel_USD, Decimal(50))
    _withdraw_profiling(customer)

    # when
    consent_set(
        email=customer.email,
        purpose=ConsentPurpose.PROFILING,
        granted=True,
        source=ConsentSource.CUSTOMER,
        user_id=customer.pk,
    )

    # then
    assert rfm_compute(channel_id=channel_USD.pk) == 1
