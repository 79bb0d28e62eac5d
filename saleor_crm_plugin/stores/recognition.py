"""Card recognition: a shopper's later purchases with a card they agreed to, linked to them.

Opt-in, per channel, and only where the channel offers it
(``config.stores.card_recognition``):

* a shopper opts in when claiming a receipt with ``rememberCard`` (``claims.py``): once
  the claim is confirmed, the fingerprint of the card that paid (an opaque value from
  the payment provider, never a card number) is remembered for them in the channel;
* a purchase recorded later with nobody named, whose fingerprint exactly one active
  shopper of the channel opted in with, is linked to them with method ``card``
  (``purchases.store_purchase_recognise``; points back-dated as for every link). A card
  that several shoppers opted in with (a shared card) links to nobody: the till's member
  code tells them apart;
* ``store_card_recognition_forget`` is the opt-out: the shopper's fingerprints in the
  channel are deleted; purchases linked before stay linked (staff can unlink one).

A channel that turns recognition off stops linking at once; the fingerprints stay until
shoppers opt out, so turning it on again resumes.
"""

from saleor.account.models import User

from ..config import load_channel_program
from .models import StoreCardRecognition


def card_recognition_offered(channel_id: int) -> bool:
    program = load_channel_program(channel_id)
    return program.active and program.config.stores.card_recognition


def card_owner(*, channel_id: int, card_fingerprint: str) -> int | None:
    """The one active shopper who opted in with this card in the channel, or None."""
    if not card_fingerprint or not card_recognition_offered(channel_id):
        return None
    owners = list(
        StoreCardRecognition.objects.filter(
            channel_id=channel_id, card_fingerprint=card_fingerprint, user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()[:2]
    )
    return owners[0] if len(owners) == 1 else None


def card_recognition_remember(*, user_id: int, channel_id: int, card_fingerprint: str) -> bool:
    """Remember the shopper's card in the channel; whether it is remembered now."""
    if not card_fingerprint or not card_recognition_offered(channel_id):
        return False
    StoreCardRecognition.objects.get_or_create(
        user_id=user_id, channel_id=channel_id, card_fingerprint=card_fingerprint
    )
    return True


def store_card_recognition_forget(*, user: User, channel_id: int) -> int:
    """The shopper opts out in the channel: how many remembered cards were forgotten."""
    deleted, _by_model = StoreCardRecognition.objects.filter(
        user_id=user.pk, channel_id=channel_id
    ).delete()
    return deleted
