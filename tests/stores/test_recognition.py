"""Card recognition: opted in by a confirmed claim, linking later purchases by the card."""

from saleor_crm_plugin.loyalty.models import LoyaltyEntry
from saleor_crm_plugin.stores.claims import store_purchase_claim_confirm
from saleor_crm_plugin.stores.models import (
    LinkMethod,
    StoreCardRecognition,
    StorePurchaseLink,
)
from saleor_crm_plugin.stores.purchases import (
    Actor,
    CustomerKeys,
    store_purchase_recognise,
    store_purchase_record_at_till,
)
from saleor_crm_plugin.stores.recognition import store_card_recognition_forget
from tests.fixtures.loyalty import ledger_problems
from tests.fixtures.store_claims import emailed_code, till_input, till_purchase
from tests.stores.claim_helpers import claim_start

CARD = "fp_4242visa"


def _claimed_with_card(capture, channel, user, *, remember_card=True, card=CARD):
    """The shopper claims a purchase paid with ``card``; returns the confirmation."""
    purchase = till_purchase(channel, card_fingerprint=card)
    claim = claim_start(capture, user, channel, purchase.receipt_code, remember_card=remember_card)
    code = emailed_code(channel.smtp, user.email)
    return store_purchase_claim_confirm(user=user, claim_id=claim.pk, code=code)


def _at_till(channel, *, card=CARD, customer=None, amount="20.00"):
    """A purchase recorded at the till an hour ago, paid with ``card``."""
    return store_purchase_record_at_till(
        data=till_input(channel, amount=amount, days_ago=1 / 24, card_fingerprint=card),
        customer=customer,
        actor=Actor(),
    )


def test_a_later_purchase_with_the_remembered_card_links_by_itself(
    claims_usd, customer_user, django_capture_on_commit_callbacks
):
    # given
    confirmed = _claimed_with_card(django_capture_on_commit_callbacks, claims_usd, customer_user)

    # when
    sale = _at_till(claims_usd)

    # then
    assert confirmed.card_remembered is True
    assert list(StoreCardRecognition.objects.values_list("user_id", "channel_id")) == [
        (customer_user.pk, claims_usd.pk)
    ]
    assert (sale.purchase.user_id, sale.points.earned) == (customer_user.pk, 20)
    link = StorePurchaseLink.objects.get(purchase=sale.purchase)
    assert (link.method, link.user_id, link.actor_user_id, link.actor_app_id) == (
        LinkMethod.CARD,
        customer_user.pk,
        None,
        None,
    )
    assert sorted(LoyaltyEntry.objects.values_list("points", flat=True)) == [20, 42]
    assert ledger_problems() == []


def test_without_the_opt_in_no_card_is_remembered(
    claims_usd, customer_user, django_capture_on_commit_callbacks
):
    # given
    confirmed = _claimed_with_card(
        django_capture_on_commit_callbacks, claims_usd, customer_user, remember_card=False
    )

    # when
    sale = _at_till(claims_usd)

    # then
    assert confirmed.card_remembered is False
    assert StoreCardRecognition.objects.count() == 0
    assert sale.purchase.user_id is None


def test_a_channel_that_does_not_offer_recognition_remembers_no_card(
    claims_usd, customer_user, django_capture_on_commit_callbacks
):
    # given
    claims_usd.configure(store_card_recognition=False)

    # when
    confirmed = _claimed_with_card(django_capture_on_commit_callbacks, claims_usd, customer_user)

    # then
    assert confirmed.card_remembered is False
    assert StoreCardRecognition.objects.count() == 0


def test_a_purchase_without_a_card_fingerprint_remembers_nothing(
    claims_usd, customer_user, django_capture_on_commit_callbacks
):
    # when
    confirmed = _claimed_with_card(
        django_capture_on_commit_callbacks, claims_usd, customer_user, card=""
    )

    # then
    assert confirmed.card_remembered is False
    assert StoreCardRecognition.objects.count() == 0


def test_a_card_two_shoppers_opted_in_with_links_to_nobody(
    claims_usd, customer_user, customer_user2, django_capture_on_commit_callbacks
):
    # given: a shared card
    for user in (customer_user, customer_user2):
        _claimed_with_card(django_capture_on_commit_callbacks, claims_usd, user)

    # when
    sale = _at_till(claims_usd)

    # then
    assert StoreCardRecognition.objects.count() == 2
    assert (sale.purchase.user_id, sale.points.earned) == (None, 0)
    assert not StorePurchaseLink.objects.filter(purchase=sale.purchase).exists()


def test_a_forgotten_card_links_nothing_any_more(
    claims_usd, customer_user, django_capture_on_commit_callbacks
):
    # given
    _claimed_with_card(django_capture_on_commit_callbacks, claims_usd, customer_user)
    linked_before = _at_till(claims_usd).purchase

    # when
    forgotten = store_card_recognition_forget(user=customer_user, channel_id=claims_usd.pk)
    sale = _at_till(claims_usd)

    # then: what was linked before stays linked
    assert forgotten == 1
    assert StoreCardRecognition.objects.count() == 0
    assert sale.purchase.user_id is None
    linked_before.refresh_from_db()
    assert linked_before.user_id == customer_user.pk


def test_recognition_turned_off_in_the_channel_links_nothing(
    claims_usd, customer_user, django_capture_on_commit_callbacks
):
    # given
    _claimed_with_card(django_capture_on_commit_callbacks, claims_usd, customer_user)
    claims_usd.configure(store_card_recognition=False)

    # when
    sale = _at_till(claims_usd)

    # then
    assert sale.purchase.user_id is None
    assert StoreCardRecognition.objects.count() == 1


def test_the_shopper_the_till_names_wins_over_the_card(
    claims_usd, customer_user, customer_user2, django_capture_on_commit_callbacks
):
    # given: the card is customer_user's; customer_user2 pays with it and gives their e-mail
    _claimed_with_card(django_capture_on_commit_callbacks, claims_usd, customer_user)

    # when
    sale = _at_till(claims_usd, customer=CustomerKeys(email=customer_user2.email))

    # then
    assert sale.purchase.user_id == customer_user2.pk
    assert StorePurchaseLink.objects.get(purchase=sale.purchase).method == LinkMethod.EMAIL


def test_recognising_a_linked_purchase_or_twice_changes_nothing(
    claims_usd, customer_user, django_capture_on_commit_callbacks
):
    # given
    _claimed_with_card(django_capture_on_commit_callbacks, claims_usd, customer_user)
    purchase = _at_till(claims_usd).purchase

    # when
    again = store_purchase_recognise(purchase_id=purchase.pk)

    # then
    assert again is None
    assert StorePurchaseLink.objects.filter(purchase=purchase).count() == 1
    assert ledger_problems() == []


def test_forgetting_in_one_channel_keeps_the_others(
    claims_usd, channel_PLN, customer_user, customer_user2
):
    # given
    StoreCardRecognition.objects.create(
        user=customer_user, channel=claims_usd, card_fingerprint=CARD
    )
    StoreCardRecognition.objects.create(
        user=customer_user, channel=channel_PLN, card_fingerprint=CARD
    )
    StoreCardRecognition.objects.create(
        user=customer_user2, channel=claims_usd, card_fingerprint=CARD
    )

    # when
    forgotten = store_card_recognition_forget(user=customer_user, channel_id=claims_usd.pk)

    # then
    assert forgotten == 1
    assert sorted(StoreCardRecognition.objects.values_list("user_id", "channel_id")) == sorted(
        [(customer_user.pk, channel_PLN.pk), (customer_user2.pk, claims_usd.pk)]
    )
