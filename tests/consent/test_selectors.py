"""The batch read of consent answers gives what the one-customer read gives."""

from freezegun import freeze_time

from saleor_crm_plugin.consent.actions import marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource
from saleor_crm_plugin.consent.selectors import (
    marketing_consent_for,
    marketing_consents_by_customer,
)


def test_the_batch_read_answers_as_the_single_read(django_user_model):
    # given: answers by account under an old e-mail, by the current e-mail only, both
    # (the later wins), and none
    ann, bob, cat, dan = (
        django_user_model.objects.create(email=f"{name}@example.com")
        for name in ("ann", "bob", "cat", "dan")
    )
    with freeze_time("2026-03-01"):
        marketing_consent_set(
            email="ann.old@example.com", granted=True, source=ConsentSource.CUSTOMER, user_id=ann.pk
        )
        marketing_consent_set(email="Cat@Example.com", granted=True, source=ConsentSource.IMPORT)
    with freeze_time("2026-04-01"):
        marketing_consent_set(
            email="bob@example.com", granted=False, source=ConsentSource.UNSUBSCRIBE_LINK
        )
        marketing_consent_set(
            email="cat.old@example.com", granted=False, source=ConsentSource.STAFF, user_id=cat.pk
        )
    customers = [(user.pk, user.email) for user in (ann, bob, cat, dan)]

    # when
    found = marketing_consents_by_customer(customers, using="default")

    # then
    expected = {
        (user_id, email): consent
        for user_id, email in customers
        if (consent := marketing_consent_for(email=email, user_id=user_id)) is not None
    }
    assert found == expected
    assert {key[1]: consent.granted for key, consent in found.items()} == {
        "ann@example.com": True,
        "bob@example.com": False,
        "cat@example.com": False,
    }
