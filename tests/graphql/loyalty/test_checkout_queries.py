"""``Checkout.loyalty`` and ``Checkout.crmOffers`` add a fixed, small number of queries."""

from unittest import mock

import pytest
from saleor.core import auth_backend
from saleor.graphql.tests.utils import get_graphql_content

from tests.fixtures.perf import queries_counted
from tests.graphql.loyalty.checkout_utils import apply_points, checkout_id, customer_checkout

STOREFRONT_FIELDS = "totalPrice { gross { amount } } lines { quantity variant { name } }"
LOYALTY_FIELDS = (
    "loyalty { availablePoints maxRedeemablePoints appliedPoints "
    "appliedValue { amount currency } pointsToEarn requiresAccount } "
    "crmOffers { kind code description value { amount currency } points expiresAt }"
)
WITHOUT = f"query Checkout($id: ID!) {{ checkout(id: $id) {{ {STOREFRONT_FIELDS} }} }}"
WITH = (
    f"query Checkout($id: ID!) {{ checkout(id: $id) {{ {STOREFRONT_FIELDS} {LOYALTY_FIELDS} }} }}"
)


def counted(client, query, checkout):
    with queries_counted() as queries:
        response = client.post_graphql(query, {"id": checkout_id(checkout)})
    return get_graphql_content(response)["data"]["checkout"], queries


@pytest.mark.parametrize("lines", [1, 5, 20])
@pytest.mark.parametrize("applied", [False, True])
def test_loyalty_fields_add_one_query(
    user_api_client, crm_usd, checkout_of_lines, customer_user, lines, applied
):
    # given: a customer's checkout of ``lines`` lines, with or without points applied
    checkout = customer_checkout(checkout_of_lines(lines), customer_user, points=100_000)
    if applied:
        apply_points(user_api_client, checkout, 100)
    counted(user_api_client, WITH, checkout)  # caches warmed as a running shop has them

    # when
    _, without = counted(user_api_client, WITHOUT, checkout)
    data, with_fields = counted(user_api_client, WITH, checkout)

    # then
    assert data["loyalty"]["appliedPoints"] == (100 if applied else 0)
    assert len(data["crmOffers"]) == 1
    # the programme, account, first expiry, redemption, gift cards and the recovery
    # offer in one statement
    assert len(with_fields) - len(without) == 1


@pytest.mark.parametrize("query", [WITHOUT, WITH], ids=["without", "with"])
def test_the_fields_leave_saleor_authenticating_the_token_once(
    user_api_client, crm_usd, checkout_of_lines, customer_user, query
):
    # given: the customer's own checkout, asked for with their access token
    checkout = customer_checkout(checkout_of_lines(1), customer_user, points=100_000)
    counting = mock.patch.object(
        auth_backend,
        "load_user_from_request",
        wraps=auth_backend.load_user_from_request,  # a spy: Saleor's own code runs
    )

    # when
    with counting as calls:
        data, _queries = counted(user_api_client, query, checkout)

    # then: Saleor checks the token once, as for its own fields alone (asked before
    # Saleor's prices load, the owner check made its loaders check it a second time)
    assert data["totalPrice"]["gross"]["amount"] > 0
    assert calls.call_count == 1
