"""The one-click unsubscribe endpoint over HTTP (RFC 8058): the request in, one call, out.

``/plugins/saleor.crm/unsubscribe?token=…`` is the URL of every marketing message's
``List-Unsubscribe`` header (``consent.unsubscribe``). Saleor's channel-less plugin URL
reaches the plugin whether or not a channel's programme is active, so a link keeps
working after a programme is switched off (consent belongs to the e-mail, not to a
channel); the per-channel URL answers the same while that channel's programme is active.

* **POST** with the form field ``List-Unsubscribe=One-Click`` (what a mailbox provider
  sends, without cookies or login; the confirmation page's button sends the same)
  withdraws the recipient's marketing consent, idempotently, and answers 200.
* **GET** (and HEAD) never unsubscribes: link scanners and prefetchers follow links. It
  answers a small page whose button POSTs the form above.
* A token that is forged, altered, names nobody or has expired is answered 400 with the
  same generic page whatever failed, and nothing is written; a POST without the
  one-click field is refused too (400), so a bare POST by a scanner unsubscribes no one.

The pages name neither the address nor the shop's data; they are never cached and send
no ``Referer`` (the token is in the URL).
"""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.html import escape

from .unsubscribe import (
    UNSUBSCRIBE_PATH,
    InvalidUnsubscribeToken,
    marketing_recipient_unsubscribe,
    unsubscribe_token_read,
)

ONE_CLICK_FIELD = "List-Unsubscribe"
ONE_CLICK_VALUE = "One-Click"

_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<meta name="robots" content="noindex"><title>{title}</title></head>'
    '<body style="font-family: sans-serif; max-width: 32em; margin: 4em auto">'
    "<h1>{title}</h1>{body}</body></html>"
)
CONFIRM_BODY = (
    "<p>Stop receiving marketing e-mail at the address this link was sent to?</p>"
    '<form method="post" action="?{query}">'
    f'<input type="hidden" name="{ONE_CLICK_FIELD}" value="{ONE_CLICK_VALUE}">'
    '<button type="submit">Unsubscribe</button></form>'
)
DONE_BODY = "<p>You will no longer receive marketing e-mail from us at this address.</p>"
INVALID_BODY = "<p>This unsubscribe link is not valid or has expired.</p>"


def _page(title: str, body: str, *, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        _PAGE.format(title=title, body=body),
        status=status,
        content_type="text/html; charset=utf-8",
    )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


def _invalid() -> HttpResponse:
    return _page("Unsubscribe", INVALID_BODY, status=400)


def unsubscribe_response(request: HttpRequest, path: str | None) -> HttpResponse | None:
    """The answer to a plugin path ``/unsubscribe``; None for any other path."""
    if (path or "").rstrip("/") != UNSUBSCRIBE_PATH:
        return None
    token = request.GET.get("token", "")
    if request.method in ("GET", "HEAD"):
        try:
            unsubscribe_token_read(token=token)
        except InvalidUnsubscribeToken:
            return _invalid()
        return _page("Unsubscribe", CONFIRM_BODY.format(query=escape(urlencode({"token": token}))))
    if request.method != "POST":
        return HttpResponseNotAllowed(["GET", "HEAD", "POST"])
    if request.POST.get(ONE_CLICK_FIELD) != ONE_CLICK_VALUE:
        return _invalid()
    try:
        marketing_recipient_unsubscribe(token=token)
    except InvalidUnsubscribeToken:
        return _invalid()
    return _page("Unsubscribed", DONE_BODY)
