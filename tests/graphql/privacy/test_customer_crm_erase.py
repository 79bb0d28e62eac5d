"""`customerCrmErase`: staff with MANAGE_USERS erase a customer's CRM data on request."""

import graphene
import pytest
from saleor.graphql.tests.utils import assert_no_permission, get_graphql_content

from saleor_crm_plugin.carts.models import AbandonedCheckout
from saleor_crm_plugin.consent.models import MarketingConsent
from saleor_crm_plugin.loyalty.models import LoyaltyAccount
from saleor_crm_plugin.privacy.models import CustomerErasure
from saleor_crm_plugin.segments.models import CustomerTag

from ...privacy.utils import crm_history, personal_data_found
from ..loyalty.utils import MANAGE_USERS, UNKNOWN_USER_ID, WITHOUT_MANAGE_USERS, user_id

ERASE = """
mutation($id: ID!) {
  customerCrmErase(id: $id) {
    user { email }
    erasedRows
    errors { field code message }
  }
}
"""


def _rows() -> tuple:
    return (
        AbandonedCheckout.objects.filter(email__endswith="@erased.invalid").count(),
        MarketingConsent.objects.count(),
        CustomerTag.objects.count(),
        LoyaltyAccount.objects.filter(user=None).count(),
        CustomerErasure.objects.count(),
    )


@pytest.fixture
def history(crm_usd, store, customer_user):
    crm_history(customer_user, crm_usd, store, key="one")


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_erases_a_customers_crm_data(requester, customer_user, history):
    # when
    response = requester.post_graphql(ERASE, {"id": user_id(customer_user)})

    # then
    data = get_graphql_content(response)["data"]["customerCrmErase"]
    assert (data["user"], data["errors"]) == ({"email": customer_user.email}, [])
    assert data["erasedRows"] > 0
    assert personal_data_found("fp_one", "Leslie", "Wade") == []
    assert _rows() == (2, 2, 0, 1, 1)

    # when: again
    response = requester.post_graphql(ERASE, {"id": user_id(customer_user)})

    # then: only the objection is written again
    assert get_graphql_content(response)["data"]["customerCrmErase"]["errors"] == []
    assert _rows() == (2, 2, 0, 1, 2)


@pytest.mark.parametrize("requester", [*WITHOUT_MANAGE_USERS, "user_api_client"], indirect=True)
def test_without_manage_users_nothing_is_erased(requester, customer_user, history):
    # given
    rows = _rows()

    # when
    response = requester.post_graphql(ERASE, {"id": user_id(customer_user)})

    # then
    assert_no_permission(response)
    assert _rows() == rows


@pytest.mark.parametrize(
    ("customer_id", "code"),
    [
        ("not-an-id", "GRAPHQL_ERROR"),
        (
            graphene.Node.to_global_id("Order", "5f0b2f7e-0000-4000-8000-000000000000"),
            "GRAPHQL_ERROR",
        ),
        (UNKNOWN_USER_ID, "NOT_FOUND"),
    ],
)
def test_a_bad_id_gets_a_coded_error_and_erases_nothing(
    staff_manage_users, history, customer_id, code
):
    # given
    rows = _rows()

    # when
    response = staff_manage_users.post_graphql(ERASE, {"id": customer_id})

    # then
    data = get_graphql_content(response)["data"]["customerCrmErase"]
    assert [(error["field"], error["code"]) for error in data["errors"]] == [("id", code)]
    assert _rows() == rows


def test_a_staff_account_is_refused(staff_manage_users, staff_user, history):
    # given
    rows = _rows()

    # when
    response = staff_manage_users.post_graphql(ERASE, {"id": user_id(staff_user)})

    # then
    data = get_graphql_content(response)["data"]["customerCrmErase"]
    assert [(error["field"], error["code"]) for error in data["errors"]] == [("id", "INVALID")]
    assert _rows() == rows
