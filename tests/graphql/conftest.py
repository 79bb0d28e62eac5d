"""Who asks: the requesters of every permission matrix of the CRM's GraphQL API.

Requesters "without" MANAGE_USERS hold MANAGE_ORDERS instead, which lets them reach a
customer through Saleor's own `user(id:)` query, so that our own check is what denies.
The groups of requesters each API tests live in its package's ``utils``.
"""

import pytest


def with_permission(client, permission):
    holder = client.app.permissions if client.app else client.user.user_permissions
    holder.add(permission)
    return client


@pytest.fixture
def staff_manage_users(staff_api_client, permission_manage_users):
    return with_permission(staff_api_client, permission_manage_users)


@pytest.fixture
def staff_manage_orders(staff_api_client, permission_manage_orders):
    return with_permission(staff_api_client, permission_manage_orders)


@pytest.fixture
def staff_manage_checkouts(staff_api_client, permission_manage_checkouts):
    return with_permission(staff_api_client, permission_manage_checkouts)


@pytest.fixture
def app_manage_users(app_api_client, permission_manage_users):
    return with_permission(app_api_client, permission_manage_users)


@pytest.fixture
def app_manage_orders(app_api_client, permission_manage_orders):
    return with_permission(app_api_client, permission_manage_orders)


@pytest.fixture
def app_manage_checkouts(app_api_client, permission_manage_checkouts):
    return with_permission(app_api_client, permission_manage_checkouts)


@pytest.fixture
def staff_manage_gift_card(staff_api_client, permission_manage_gift_card):
    return with_permission(staff_api_client, permission_manage_gift_card)


@pytest.fixture
def app_manage_gift_card(app_api_client, permission_manage_gift_card):
    return with_permission(app_api_client, permission_manage_gift_card)


@pytest.fixture
def staff_manage_users_and_gift_card(staff_manage_users, permission_manage_gift_card):
    return with_permission(staff_manage_users, permission_manage_gift_card)


@pytest.fixture
def app_manage_users_and_gift_card(app_manage_users, permission_manage_gift_card):
    return with_permission(app_manage_users, permission_manage_gift_card)


@pytest.fixture
def staff_impersonate_user(staff_api_client, permission_impersonate_user):
    return with_permission(staff_api_client, permission_impersonate_user)


@pytest.fixture
def app_impersonate_user(app_api_client, permission_impersonate_user):
    return with_permission(app_api_client, permission_impersonate_user)


@pytest.fixture
def requester(request):
    """The API client named by the test's ``requester`` parameter."""
    return request.getfixturevalue(request.param)
