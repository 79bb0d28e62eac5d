"""Sending a receipt claim's one-time code to the shopper's account e-mail.

``store_purchase_claim_code_send`` is what the Celery task does with a claim id (the
claim start schedules it once the claim is committed). Under the claim's row lock it
draws the code and stores its hash, unless the claim is closed or has a code already
(a task run twice sends one code); then it hands the code to Saleor's
``manager.notify("crm_store_claim_code", payload)``, as cart reminders are sent: our
plugin's ``notify`` e-mails it through the channel's SMTP server
(``store_claim_code_email_send``), and apps subscribed to NOTIFY_USER receive the same
payload (the way to send it without an SMTP host). A sending error forgets the code
(the hash is cleared, so a retried task draws a new one) and reaches the task.

Why the code is drawn here and not when the claim starts: the task's only argument is
the claim id, so the code is never in the message broker, nor anywhere but this
worker's memory, the e-mail and (when apps send it) the webhook payload Saleor keeps
for delivery, as it keeps its own password-reset links. The code goes to the account's
e-mail as it is when sending, never to an address a client gave.

The e-mail is built in (HTML, Handlebars with Saleor's helpers); the payload's keys are
listed in docs/stores.md for apps that send their own.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from saleor.core.notification.utils import get_site_context
from saleor.core.prices import quantize_price

from ..config import body_render, parse_configuration, subject_render
from ..global_ids import to_global_id
from ..loyalty.member_codes import member_code_display
from ..mail import html_email_send
from .claim_codes import claim_code_draw, claim_code_hash, claim_is_open
from .models import StorePurchaseClaim

STORE_CLAIM_CODE_EVENT = "crm_store_claim_code"

SUBJECT = "Your code to claim your purchase at {{purchase.store_name}}"
BODY = """<html><body>
<p>Hello{{#if customer.first_name}} {{customer.first_name}}{{/if}},</p>
<p>Here is your code to add your purchase to your {{site_name}} account:</p>
<p style="font-size:24px;letter-spacing:4px"><strong>{{code}}</strong></p>
<p>Receipt {{purchase.receipt_code}} &middot; {{purchase.store_name}} &middot;
  {{format_datetime purchase.purchased_at "%d %b %Y %H:%M"}} &middot;
  {{price purchase.total_amount purchase.total_amount purchase.currency
    display_gross=true}}</p>
<p>The code is valid for {{code_minutes}} minutes. If you did not ask for it, ignore
this e-mail: nothing happens without the code.</p>
</body></html>
"""


def claim_code_payload(*, claim: StorePurchaseClaim, code: str) -> dict:
    """What the e-mail (and an app sending it) knows: the code and the purchase."""
    purchase, user = claim.purchase, claim.user
    return {
        "event": STORE_CLAIM_CODE_EVENT,
        "recipient_email": user.email,
        "channel_slug": purchase.channel.slug,
        "claim_id": to_global_id("StorePurchaseClaim", claim.pk),
        "code": code,
        "expires_at": claim.expires_at.isoformat(),
        "code_minutes": max(1, round((claim.expires_at - claim.created_at).total_seconds() / 60)),
        "customer": {
            "user_id": to_global_id("User", user.pk),
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
        },
        "purchase": {
            "receipt_code": member_code_display(purchase.receipt_code),
            "store_name": purchase.warehouse_name,
            "purchased_at": purchase.purchased_at.isoformat(),
            "total_amount": str(quantize_price(purchase.amount, purchase.currency)),
            "currency": purchase.currency,
        },
        **get_site_context(),
    }


def store_claim_code_email_send(*, payload: dict, configuration: list[dict]) -> bool:
    """E-mail the code when the channel has SMTP; return whether one was sent."""
    config = parse_configuration(configuration)
    if not config.smtp.host:
        return False
    html_email_send(
        config=config,
        recipient=payload["recipient_email"],
        subject=subject_render(SUBJECT, payload),
        html=body_render(BODY, payload),
    )
    return True


def _code_drawn(claim_id: int, now: datetime.datetime) -> tuple[StorePurchaseClaim, str] | None:
    """Draw the claim's code and keep its hash, or None (closed, or its code was sent)."""
    with transaction.atomic():
        claim = (
            StorePurchaseClaim.objects.select_for_update(of=("self",))
            .select_related("purchase__channel", "user")
            .filter(pk=claim_id)
            .first()
        )
        if claim is None or claim.code_hash or not claim_is_open(claim, now):
            return None
        code = claim_code_draw()
        claim.code_hash = claim_code_hash(claim_id=claim.pk, code=code)
        claim.save(update_fields=["code_hash"])
    return claim, code


def store_purchase_claim_code_send(
    *, claim_id: int, manager, now: datetime.datetime | None = None
) -> bool:
    """Send the claim its one-time code; False when there is nothing to send."""
    drawn = _code_drawn(claim_id, now or timezone.now())
    if drawn is None:
        return False
    claim, code = drawn
    payload = claim_code_payload(claim=claim, code=code)
    try:
        manager.notify(
            STORE_CLAIM_CODE_EVENT, lambda: payload, channel_slug=claim.purchase.channel.slug
        )
    except Exception:
        # Not sent: forget the code, so that a retry draws and sends a new one.
        StorePurchaseClaim.objects.filter(pk=claim.pk, code_hash=claim.code_hash).update(
            code_hash=""
        )
        raise
    return True
