import pytest
from saleor.account.models import Group


@pytest.fixture
def crm_staff(
    staff_user,
    permission_manage_users,
    permission_manage_orders,
    permission_manage_checkouts,
    permission_manage_plugins,
):
    """A staff user holding every permission the CRM app asks for."""
    group = Group.objects.create(name="CRM staff", restricted_access_to_channels=False)
    group.permissions.add(
        permission_manage_users,
        permission_manage_orders,
        permission_manage_checkouts,
        permission_manage_plugins,
    )
    group.user_set.add(staff_user)
    return staff_user
