"""How the CRM hears that Saleor deleted a customer (privacy/models.py).

Saleor's plugin manager calls ``customer_deleted`` and ``account_deleted`` without a
channel, which loads only global plugins: a per-channel plugin such as the CRM is not
called. The erasure is therefore scheduled by the ``on_delete`` of
``CustomerErasure.user``, which every deletion of a user runs.
"""

from saleor.account.models import User
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.config import PLUGIN_ID
from saleor_crm_plugin.privacy.models import CustomerErasure, ErasureReason


def test_saleor_calls_no_per_channel_plugin_on_customer_deletion(crm_usd, customer_user):
    # given: the CRM is active in channel_USD
    manager = get_plugins_manager(allow_replica=False)

    # when: what manager.customer_deleted / account_deleted run on
    plugins = manager.get_plugins(channel_slug=None, active_only=True)

    # then
    assert PLUGIN_ID not in [plugin.PLUGIN_ID for plugin in plugins]


def test_any_deletion_of_a_customer_schedules_their_erasure(
    customer_user, customer_user2, django_capture_on_commit_callbacks
):
    # given: no CRM row of theirs exists, and the CRM is not even active
    ids = sorted([customer_user.pk, customer_user2.pk])

    # when: a bulk deletion outside Saleor's mutations
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        User.objects.filter(pk__in=ids).delete()

    # then: one erasure per account, each recorded without personal data
    assert len(callbacks) == 2
    assert sorted(CustomerErasure.objects.values_list("user_key", "reason", "user_id")) == [
        (ids[0], ErasureReason.ACCOUNT_DELETED, None),
        (ids[1], ErasureReason.ACCOUNT_DELETED, None),
    ]
