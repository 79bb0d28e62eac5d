import pytest
from freezegun import freeze_time

from saleor_crm_plugin.consent.actions import (
    consent_set,
    has_marketing_consent,
    marketing_consent_for,
    marketing_consent_set,
)
from saleor_crm_plugin.consent.exceptions import ReasonRequired
from saleor_crm_plugin.consent.models import (
    ConsentActor,
    ConsentEvent,
    ConsentPurpose,
    ConsentSource,
    MarketingConsent,
)
from saleor_crm_plugin.segments.actions import customer_segment_preview


EMAIL = "shopper@example.com"


def _consented_on_march_1st(customer, *, email):
    """``customer`` consented under ``email`` on 2026-03-01."""
    with freeze_time("2026-03-01 10:00"):
        marketing_consent_set(
            email=email, granted=True, source=ConsentSource.CUSTOMER, user_id=customer.pk
        )


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


@pytest.mark.parametrize("value", [True, False])
def test_an_unsubscribe_wins_over_an_older_answer_of_the_account_in_reminders_and_segments(
    value, customer_user
):
    # given: the customer consented under an old e-mail, changed it, then unsubscribed
    # through a link naming the new one
    _consented_on_march_1st(customer_user, email="old@example.com")
    customer_user.email = "new@example.com"
    customer_user.save(update_fields=["email"])
    with freeze_time("2026-03-02 10:00"):
        marketing_consent_set(
            email="New@Example.com", granted=False, source=ConsentSource.UNSUBSCRIBE_LINK
        )

    # when
    consent = marketing_consent_for(email="new@example.com", user_id=customer_user.pk)
    preview = customer_segment_preview(
        definition={"field": "marketing_consent", "op": "eq", "value": value}, channel_id=None
    )

    # then
    assert (consent.email, consent.granted) == ("new@example.com", False)
    assert has_marketing_consent(email="new@example.com", user_id=customer_user.pk) is False
    assert (customer_user.pk in preview.sample_user_ids) is (value is False)


def test_granting_again_after_the_unsubscribe_wins(customer_user):
    # given
    _consented_on_march_1st(customer_user, email="old@example.com")
    with freeze_time("2026-03-02 10:00"):
        marketing_consent_set(
            email=customer_user.email, granted=False, source=ConsentSource.UNSUBSCRIBE_LINK
        )

    # when
    with freeze_time("2026-03-03 10:00"):
        marketing_consent_set(
            email=customer_user.email,
            granted=True,
            source=ConsentSource.CUSTOMER,
            user_id=customer_user.pk,
        )

    # then
    assert has_marketing_consent(email=customer_user.email, user_id=customer_user.pk) is True
    preview = customer_segment_preview(
        definition={"field": "marketing_consent", "op": "eq", "value": True}, channel_id=None
    )
    assert customer_user.pk in preview.sample_user_ids


@pytest.mark.parametrize(
    ("source", "actor"),
    [
        (ConsentSource.STAFF, ConsentActor.STAFF),
        (ConsentSource.APP, ConsentActor.APP),
        (ConsentSource.IMPORT, ConsentActor.SYSTEM),
    ],
)
def test_only_the_shopper_grants_a_withdrawn_answer_without_a_reason(db, source, actor):
    # given
    marketing_consent_set(email=EMAIL, granted=False, source=ConsentSource.UNSUBSCRIBE_LINK)
    rows = (MarketingConsent.objects.count(), ConsentEvent.objects.count())

    # when
    with pytest.raises(ReasonRequired) as error:
        consent_set(
            email=EMAIL,
            purpose=ConsentPurpose.EMAIL_MARKETING,
            granted=True,
            source=source,
            actor=actor,
        )

    # then
    assert (error.value.field, error.value.code.value) == ("reason", "reason_required")
    assert (MarketingConsent.objects.count(), ConsentEvent.objects.count()) == rows
    assert has_marketing_consent(email=EMAIL, default=True) is False


def test_a_reason_records_the_grant_as_staff_made(db, staff_user):
    # given
    consent_set(
        email=EMAIL,
        purpose=ConsentPurpose.PROFILING,
        granted=False,
        source=ConsentSource.CUSTOMER,
    )

    # when
    consent_set(
        email=EMAIL,
        purpose=ConsentPurpose.PROFILING,
        granted=True,
        source=ConsentSource.STAFF,
        reason=" asked in store ",
        staff_user_id=staff_user.pk,
    )

    # then
    event = ConsentEvent.objects.filter(purpose=ConsentPurpose.PROFILING).first()
    assert (event.granted, event.source, event.actor, event.reason, event.staff_user_id) == (
        True,
        ConsentSource.STAFF,
        ConsentActor.STAFF,
        "asked in store",
        staff_user.pk,
    )


def test_anyone_withdraws_and_anyone_grants_an_unanswered_purpose(db):
    # when
    consent_set(
        email=EMAIL, purpose=ConsentPurpose.PROFILING, granted=True, source=ConsentSource.APP
    )
    consent_set(
        email=EMAIL, purpose=ConsentPurpose.PROFILING, granted=False, source=ConsentSource.APP
    )

    # then
    assert list(ConsentEvent.objects.values_list("granted", "actor", "reason")) == [
        (False, ConsentActor.APP, ""),
        (True, ConsentActor.APP, ""),
    ]
