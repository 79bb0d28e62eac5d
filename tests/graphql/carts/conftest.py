"""Who asks: the permission matrix of the cart-recovery API (groups in ``utils``)."""

import pytest


def with_permission(client, permission):
    holder = client.app.permissions if client.app else client.user.user_permissions
    holder.add(permission)
    return client


@pytest.fixture
def staff_manage_checkouts(staff_api_client, permission_manage_checkouts):
    return with_permission(staff_api_client, permission_manage_checkouts)


@pytest.fixture
def app_manage_checkouts(app_api_client, permission_manage_checkouts):
    return with_permission(app_api_client, permission_manage_checkouts)


@pytest.fixture
def staff_manage_users(staff_api_client, permission_manage_users):
    return with_permission(staff_api_client, permission_manage_users)


@pytest.fixture
def app_manage_users(app_api_client, permission_manage_users):
    return with_permission(app_api_client, permission_manage_users)


@pytest.fixture
def requester(request):
    """The API client named by the test's ``requester`` parameter."""
    return request.getfixturevalue(request.param)
