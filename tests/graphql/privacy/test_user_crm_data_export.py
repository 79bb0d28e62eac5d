"""`User.crmDataExport`: the export document, for the customer and MANAGE_USERS."""

import json

import pytest
from saleor.graphql.tests.utils import get_graphql_content

from saleor_crm_plugin.privacy.export import FORMAT

from ...privacy.utils import crm_history
from ..loyalty.utils import CANNOT_SEE_CUSTOMER, MANAGE_ORDERS_ONLY, MANAGE_USERS, denied_data
from ..loyalty.utils import user_id

ME = "query { me { crmDataExport } }"
USER = "query($id: ID!) { user(id: $id) { crmDataExport } }"


@pytest.fixture
def histories(crm_usd, store, customer_user, customer_user2):
    crm_history(customer_user, crm_usd, store, key="one")
    crm_history(customer_user2, crm_usd, store, key="two")


def _document(data) -> dict:
    return json.loads(data["crmDataExport"])


def test_the_customer_exports_their_own_data(user_api_client, customer_user, histories):
    # when
    response = user_api_client.post_graphql(ME)

    # then
    document = _document(get_graphql_content(response)["data"]["me"])
    assert (document["format"], document["customer"]["user_id"]) == (FORMAT, customer_user.pk)
    assert len(document["tables"]["saleor_crm_cartreminder"]) == 3
    assert "test2@example.com" not in json.dumps(document)


def test_another_customer_exports_only_their_own(user2_api_client, customer_user2, histories):
    # when
    response = user2_api_client.post_graphql(ME)

    # then
    document = _document(get_graphql_content(response)["data"]["me"])
    assert document["customer"]["user_id"] == customer_user2.pk
    assert "test@example.com" not in json.dumps(document)


@pytest.mark.parametrize("requester", MANAGE_USERS, indirect=True)
def test_manage_users_exports_a_customer(requester, customer_user, histories):
    # when
    response = requester.post_graphql(USER, {"id": user_id(customer_user)})

    # then
    document = _document(get_graphql_content(response)["data"]["user"])
    assert document["customer"] == {"user_id": customer_user.pk, "emails": ["test@example.com"]}


DENIED = [
    *[(name, ["user", "crmDataExport"], {"crmDataExport": None}) for name in MANAGE_ORDERS_ONLY],
    *[(name, ["user"], None) for name in CANNOT_SEE_CUSTOMER],
]


@pytest.mark.parametrize(("requester", "path", "user_data"), DENIED, indirect=["requester"])
def test_without_manage_users_the_export_is_denied(requester, customer_user, path, user_data):
    # when
    response = requester.post_graphql(USER, {"id": user_id(customer_user)})

    # then
    assert denied_data(response, path) == {"user": user_data}


def test_anonymous_has_no_me(api_client):
    # when
    response = api_client.post_graphql(ME)

    # then
    assert get_graphql_content(response)["data"]["me"] is None
