"""Customers → CRM → Journeys in a real browser, on Saleor's real API (docs/journeys.md)."""

import uuid
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from saleor.account.models import User

from saleor_crm_plugin.config import active_channel_programs
from saleor_crm_plugin.journeys.actions import journey_create
from saleor_crm_plugin.journeys.cart_recovery import cart_recovery_journey_sync
from saleor_crm_plugin.journeys.models import (
    EnrollmentStatus,
    Journey,
    JourneyEnrollment,
    JourneyKind,
    JourneyMessage,
    MessageStatus,
)

# Saleor serves the page from another thread: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_enable_win_back_in_one_click_and_see_a_bad_setting_refused_at_its_field(
    crm_dashboard, crm_staff, crm_shop
):
    # given
    page = crm_dashboard.open_app_page("app/journeys", crm_staff)
    card = page.get_by_test_id("journey-WIN_BACK")
    expect(card.get_by_test_id("journey-status")).to_have_text("Not created")
    expect(page.get_by_test_id("journey-toggle")).to_have_count(6)  # every built-in kind

    # when: one click
    card.get_by_test_id("journey-toggle").click()

    # then: created enabled with its built-in stages, and shown so
    expect(card.get_by_test_id("journey-status")).to_have_text("Enabled")
    expect(card.get_by_test_id("journey-stages")).to_contain_text("14 days")
    journey = Journey.objects.get(channel=crm_shop.channel, kind=JourneyKind.WIN_BACK)
    assert journey.enabled is True
    assert journey.trigger_settings == {"days": 90, "churn_risk_percent": 0}

    # when: staff set 3 days without an order
    card.get_by_test_id("edit-journey").click()
    card.get_by_test_id("field-triggerSettings.days").locator("input").fill("3")
    card.get_by_test_id("save-journey").click()

    # then: the server's message at the field, nothing saved
    expect(
        card.get_by_test_id("field-triggerSettings.days").get_by_test_id("field-error")
    ).to_have_text("'days' is a whole number from 7 to 730.")
    journey.refresh_from_db()
    assert journey.trigger_settings == {"days": 90, "churn_risk_percent": 0}
    crm_dashboard.screenshot("journey-editor")

    # when: a valid value
    card.get_by_test_id("field-triggerSettings.days").locator("input").fill("60")
    card.get_by_test_id("save-journey").click()

    # then
    expect(card.get_by_test_id("journey-settings")).to_contain_text("Days without an order: 60")
    journey.refresh_from_db()
    assert journey.trigger_settings == {"days": 60, "churn_risk_percent": 0}
    assert journey.enabled is True


def _enrol(journey, email, *, holdout, revenue=None):
    now = timezone.now()
    user = User.objects.get_or_create(email=email)[0]
    enrollment = JourneyEnrollment.objects.create(
        journey=journey,
        user=user,
        email=email,
        trigger_key=f"order:{uuid.uuid4()}",
        triggered_at=now,
        entered_at=now,
        holdout=holdout,
        stage=1,
        status=EnrollmentStatus.CONVERTED if revenue else EnrollmentStatus.COMPLETED,
        converted_order_id=uuid.uuid4() if revenue else None,
        converted_at=now if revenue else None,
        revenue=revenue,
        currency="USD" if revenue else "",
    )
    JourneyMessage.objects.create(
        enrollment=enrollment,
        stage=1,
        email=email,
        status=MessageStatus.SKIPPED if holdout else MessageStatus.SENT,
        skip_reason="holdout" if holdout else "",
        claimed_at=now,
        sent_at=None if holdout else now,
    )


def test_running_journeys_show_their_figures_and_uplift(crm_dashboard, crm_staff, crm_shop):
    # given: post-purchase running, 8 messaged (3 ordered), 2 held out (none ordered); the
    # shop's cart recovery listed as the journeys sweep lists it
    channel_id = crm_shop.channel.pk
    cart_recovery_journey_sync(channel_id=channel_id, config=active_channel_programs()[channel_id])
    journey = journey_create(
        channel_id=channel_id,
        kind=JourneyKind.POST_PURCHASE,
        enabled=True,
        holdout_percent=20,
    )
    for number in range(8):
        revenue = Decimal("40.00") * (number + 1) if number < 3 else None
        _enrol(journey, f"buyer{number}@example.com", holdout=False, revenue=revenue)
    for number in range(2):
        _enrol(journey, f"held{number}@example.com", holdout=True)

    # when
    page = crm_dashboard.open_app_page("app/journeys", crm_staff)

    # then
    card = page.get_by_test_id("journey-POST_PURCHASE")
    expect(card.get_by_test_id("journey-status")).to_have_text("Enabled")
    expect(card.get_by_test_id("stat-entered")).to_contain_text("10")
    expect(card.get_by_test_id("stat-converted")).to_contain_text("3 of 8 (37.5%)")
    expect(card.get_by_test_id("stat-revenue")).to_contain_text("$240.00")
    expect(card.get_by_test_id("stat-uplift")).to_contain_text("+37.5 pts")
    expect(card.get_by_test_id("journey-stage-stats")).to_contain_text("$240.00")
    expect(page.get_by_test_id("journey-WIN_BACK").get_by_test_id("journey-status")).to_have_text(
        "Not created"
    )
    # cart recovery: its own figures (two carts detected, one recovered), changed elsewhere
    cart = page.get_by_test_id("journey-CART_RECOVERY")
    expect(cart.get_by_test_id("journey-status")).to_have_text("Enabled")
    expect(cart.get_by_test_id("stat-entered")).to_contain_text("2")
    expect(cart.get_by_test_id("stat-converted")).to_contain_text("1")
    expect(cart.get_by_test_id("journey-toggle")).to_have_count(0)
    expect(cart.get_by_test_id("read-only-note")).to_contain_text("Programme settings")
    expect(page.get_by_test_id("error")).to_have_count(0)
    crm_dashboard.screenshot("journeys")
