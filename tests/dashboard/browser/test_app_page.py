"""The CRM page (Customers → CRM) in a real browser, on Saleor's real API."""

import pytest
from playwright.sync_api import expect

from saleor_crm_plugin.segments.models import CustomerSegment

# Saleor serves the page from another thread: the data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_build_a_segment_and_watch_the_count_before_saving(
    crm_dashboard, crm_staff, crm_shop
):
    # given
    page = crm_dashboard.open_app_page("app/segments", crm_staff)
    page.get_by_test_id("new-segment").click()
    page.get_by_test_id("add-row").click()  # "Total spent" "greater than"

    # when: staff type a threshold both spenders pass
    page.get_by_test_id("row-value").fill("50")

    # then: the live preview counts them, before anything is saved
    expect(page.get_by_test_id("preview-count")).to_have_text("2")

    # when: staff raise it above the small spender's orders
    page.get_by_test_id("row-value").fill("300")

    # then
    expect(page.get_by_test_id("preview-count")).to_have_text("1")
    expect(page.get_by_test_id("segment-preview")).to_contain_text(crm_shop.big_spender.email)
    assert not CustomerSegment.objects.exists()
    crm_dashboard.screenshot("segment-builder")

    # when: staff name and save it
    page.get_by_test_id("segment-name").fill("Big spenders")
    page.get_by_test_id("save-segment").click()

    # then: it is stored with its one member, and opens with its members and history
    expect(page.get_by_test_id("segment-editor")).to_contain_text("Segment: Big spenders")
    expect(page.get_by_text("Members (1)")).to_be_visible()
    segment = CustomerSegment.objects.get(name="Big spenders")
    assert list(segment.memberships.values_list("user__email", flat=True)) == [
        crm_shop.big_spender.email
    ]
    crm_dashboard.screenshot("segment-detail")

    # when: staff go back to the list
    page.get_by_role("button", name="All segments").click()

    # then
    expect(page.get_by_test_id("segment-row-Big spenders")).to_contain_text("1")
    crm_dashboard.screenshot("segments")


def _chart_drawn(section):
    """A recharts chart in ``section`` with marks drawn."""
    expect(section.locator("svg.recharts-surface").first).to_be_visible()
    expect(section.locator("svg.recharts-surface path").first).to_be_attached()


def test_top_customers_pareto_and_rfm_cells_lead_to_their_customers(
    crm_dashboard, crm_staff, crm_shop
):
    # when
    page = crm_dashboard.open_app_page("app/top-customers", crm_staff)

    # then: the curve, and 25 R × FM cells holding the two scored customers
    _chart_drawn(page.get_by_test_id("pareto"))
    cells = page.locator("[data-testid^='rfm-cell-']")
    expect(cells).to_have_count(25)
    counts = [int(text.splitlines()[1].replace(",", "")) for text in cells.all_inner_texts()]
    assert sum(counts) == 2
    crm_dashboard.screenshot("top-customers")

    # when: staff open a cell that holds a customer
    cells.nth(next(index for index, count in enumerate(counts) if count)).click()

    # then: the segment builder opens on that cell's customers
    expect(page.get_by_test_id("preview-count")).to_have_text("1")


CHARTS = [
    ("loyalty", ["points-flow", "tier-distribution"], [("top-earners", "big.spender@example.com")]),
    (
        "cart-recovery",
        ["funnel", "revenue-cost"],
        [("abandoned-checkouts", "just.looking@example.com"), ("ab-test", "holdout")],
    ),
]


@pytest.mark.parametrize(("tab", "charts", "listed"), CHARTS, ids=[tab for tab, *_ in CHARTS])
def test_every_chart_draws_from_the_shops_data(
    crm_dashboard, crm_staff, crm_shop, tab, charts, listed
):
    # when
    page = crm_dashboard.open_app_page(f"app/{tab}", crm_staff)

    # then: each chart is drawn, the tab's list shows the shop's customers, nothing failed
    for chart in charts:
        _chart_drawn(page.get_by_test_id(chart))
    for section, text in listed:
        expect(page.get_by_test_id(section)).to_contain_text(text)
    expect(page.get_by_test_id("error")).to_have_count(0)
    crm_dashboard.screenshot(tab)


def test_programme_settings_open_with_the_channels_configuration(
    crm_dashboard, crm_staff, crm_shop
):
    # when
    page = crm_dashboard.open_app_page("app/settings", crm_staff)

    # then
    expect(page.get_by_test_id("field-tiers")).to_be_visible()
    expect(page.get_by_test_id("save-settings")).to_be_visible()
    expect(page.get_by_test_id("error")).to_have_count(0)
    crm_dashboard.screenshot("settings")


def test_staff_without_manage_users_see_which_permission_is_missing(
    crm_dashboard, orders_only_staff, crm_shop
):
    # when: an order-desk colleague opens the CRM page (the app's token: app ∩ staff)
    page = crm_dashboard.open_app_page("app/segments", orders_only_staff)

    # then: an explanation naming the permission, not an error
    notice = page.get_by_test_id("missing-permission")
    expect(notice).to_contain_text("Manage customers")
    expect(page.get_by_test_id("error")).to_have_count(0)
    crm_dashboard.screenshot("missing-permission")
