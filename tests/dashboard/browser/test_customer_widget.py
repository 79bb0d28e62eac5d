"""The customer widget in a real browser: staff read a customer's points and adjust them,
tag a customer, and give back a marketing consent the customer withdrew, with a reason."""

import graphene
import pytest
from playwright.sync_api import expect

from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentEvent, ConsentSource
from saleor_crm_plugin.loyalty.bonuses import account_points_adjust
from saleor_crm_plugin.loyalty.models import EntryType, LoyaltyEntry
from saleor_crm_plugin.segments.actions import customer_segment_create
from saleor_crm_plugin.segments.models import CustomerTag
from tests.fixtures.loyalty import balance_of

# Saleor serves the page from another thread: the data must be committed, on every alias.
pytestmark = pytest.mark.django_db(transaction=True)

CUSTOMER_WIDGETS = "customer_details_widgets"


def test_staff_adjust_points_and_see_the_ledger_change(
    crm_dashboard, crm_staff, crm_usd, customer_user
):
    # given: the customer holds 120 points from a welcome gift
    account_points_adjust(
        user=customer_user,
        channel_id=crm_usd.pk,
        points=120,
        reason="Welcome gift",
        idempotency_key="browser-welcome",
    )
    customer_id = graphene.Node.to_global_id("User", customer_user.pk)

    # when: staff open the customer's page, where the Dashboard mounts the widget
    widget = crm_dashboard.open_widget(CUSTOMER_WIDGETS, crm_staff, customerId=customer_id)

    # then: balance and the ledger's reason are shown
    expect(widget.get_by_test_id("balance")).to_contain_text("120")
    expect(widget.get_by_test_id("ledger")).to_contain_text("Welcome gift")

    # when: staff add 50 points with a reason, and confirm
    widget.get_by_test_id("adjust-points").fill("50")
    widget.get_by_test_id("adjust-reason").fill("Parcel arrived late")
    widget.get_by_test_id("adjust-submit").click()
    expect(widget.get_by_test_id("adjust-confirm")).to_contain_text("The balance becomes 170")
    widget.get_by_test_id("adjust-confirm-button").click()

    # then: the widget shows the new balance and entry, and the ledger holds it once
    expect(widget.get_by_test_id("balance")).to_contain_text("170")
    expect(widget.get_by_test_id("ledger")).to_contain_text("Parcel arrived late")
    assert balance_of(customer_user, crm_usd) == 170
    adjustment = LoyaltyEntry.objects.get(type=EntryType.ADJUST, reason="Parcel arrived late")
    assert (adjustment.points, adjustment.actor_user_id) == (50, crm_staff.pk)


def test_staff_tag_a_customer_and_read_why_they_are_in_a_segment(
    crm_dashboard, crm_staff, crm_shop
):
    # given: the big spender is in a segment
    customer = crm_shop.big_spender
    definition = {"field": "total_spent", "op": "gt", "value": 300}
    customer_segment_create(
        name="Big spenders", definition=definition, channel_id=crm_shop.channel.pk
    )
    customer_id = graphene.Node.to_global_id("User", customer.pk)
    widget = crm_dashboard.open_widget(CUSTOMER_WIDGETS, crm_staff, customerId=customer_id)
    expect(widget.get_by_test_id("segments")).to_contain_text("Big spenders")
    expect(widget.get_by_test_id("tier")).to_contain_text("Silver")

    # when
    widget.get_by_test_id("tag-input").fill("wholesale, vip")
    widget.get_by_role("button", name="Add", exact=True).click()

    # then: shown, stored once each, and the page settles (no render loop)
    expect(widget.get_by_test_id("tags")).to_contain_text("vip")
    expect(widget.get_by_test_id("tags")).to_contain_text("wholesale")
    stored = CustomerTag.objects.filter(user=customer).values_list("tag", flat=True)
    assert sorted(stored) == ["vip", "wholesale"]
    assert not [line for line in crm_dashboard.console if "Maximum update depth" in line]
    crm_dashboard.screenshot("customer-widget")


def test_staff_give_back_a_withdrawn_consent_with_a_reason(
    crm_dashboard, crm_staff, crm_usd, customer_user
):
    # given: the customer unsubscribed through a link in a CRM message
    marketing_consent_set(
        email=customer_user.email,
        granted=False,
        source=ConsentSource.UNSUBSCRIBE_LINK,
        user_id=customer_user.pk,
    )
    customer_id = graphene.Node.to_global_id("User", customer_user.pk)
    widget = crm_dashboard.open_widget(CUSTOMER_WIDGETS, crm_staff, customerId=customer_id)
    expect(widget.get_by_test_id("consent-state")).to_contain_text(
        "Withdrawn through an unsubscribe link"
    )

    # when: staff record "Consent given": Yes waits for the reason, then they confirm
    widget.get_by_test_id("consent-given").click()
    expect(widget.get_by_test_id("consent-given-yes")).to_be_disabled()
    widget.get_by_test_id("consent-reason").fill("Phone call on 1 Dec")
    widget.get_by_test_id("consent-given-yes").click()

    # then: shown, and the history records the reason and the staff member
    expect(widget.get_by_test_id("consent-state")).to_contain_text("Given by staff")
    regrant = ConsentEvent.objects.get(granted=True, user=customer_user)
    assert (regrant.source, regrant.reason, regrant.staff_user_id) == (
        ConsentSource.STAFF,
        "Phone call on 1 Dec",
        crm_staff.pk,
    )
    assert not [line for line in crm_dashboard.console if "Maximum update depth" in line]
