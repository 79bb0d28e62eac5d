"""The erasure task: safe to run twice, and never for an account that still exists."""

from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource, MarketingConsent
from saleor_crm_plugin.privacy.models import CustomerErasure
from saleor_crm_plugin.privacy.tasks import customer_data_erase_task


def test_the_erasure_task_leaves_an_existing_account_alone(customer_user):
    # given
    marketing_consent_set(email=customer_user.email, granted=True, source=ConsentSource.CUSTOMER)

    # when: a task for an account whose deletion did not happen
    customer_data_erase_task(customer_user.pk, customer_user.email)

    # then
    assert MarketingConsent.objects.count() == 1
    assert CustomerErasure.objects.count() == 0
