from saleor_crm_plugin.consent.actions import has_marketing_consent, marketing_consent_set
from saleor_crm_plugin.consent.models import ConsentSource, MarketingConsent


def test_no_answer_falls_back_to_the_default(db):
    # when / then
    assert has_marketing_consent(email="guest@example.com", default=False) is False
    assert has_marketing_consent(email="guest@example.com", default=True) is True
    assert MarketingConsent.objects.count() == 0


def test_unsubscribe_wins_over_a_default_of_yes(db):
    # given
    marketing_consent_set(
        email=" Guest@Example.com ", granted=False, source=ConsentSource.UNSUBSCRIBE_LINK
    )

    # when / then
    assert has_marketing_consent(email="guest@example.com", default=True) is False
    consent = MarketingConsent.objects.get()
    assert consent.email == "guest@example.com"
    assert consent.unsubscribed_at is not None


def test_granting_again_clears_the_unsubscribe_and_is_idempotent(db, customer_user):
    # given
    marketing_consent_set(
        email=customer_user.email, granted=False, source=ConsentSource.UNSUBSCRIBE_LINK
    )

    # when
    marketing_consent_set(
        email=customer_user.email,
        granted=True,
        source=ConsentSource.CUSTOMER,
        user_id=customer_user.pk,
    )
    marketing_consent_set(
        email=customer_user.email,
        granted=True,
        source=ConsentSource.CUSTOMER,
        user_id=customer_user.pk,
    )

    # then
    consent = MarketingConsent.objects.get()
    assert (consent.granted, consent.unsubscribed_at, consent.user_id) == (
        True,
        None,
        customer_user.pk,
    )
    assert has_marketing_consent(email=None, user_id=customer_user.pk) is True
