"""The Handlebars templates of the configuration: one renderer, for sending and checking.

``subject_render`` and ``body_render`` are what ``carts.email`` sends with (pybars3 and
the helpers of Saleor's own e-mail plugins, ``saleor.plugins.email_common``).
``template_check`` renders a template the way it will be sent, with ``SAMPLE_PAYLOAD``
(the shape of ``carts.messages.cart_message_payload``; a test keeps the two equal), and
refuses what would send a broken e-mail:

- a template pybars cannot compile;
- a block left open or a tag left unfinished: pybars compiles those *without error* and
  silently drops the rest of the template (``{{#if offer}}…`` renders nothing), so the
  check appends a marker and refuses a template whose rendering loses it;
- a template that fails when rendered (a helper given the wrong arguments);
- a variable the payload does not have: pybars renders it as nothing, so a typo
  (``{{checkout_ur}}``) would send an e-mail without its link. The message names the
  closest variable and lists those at that level (``VARIABLES`` lists them all).

Checking is done when staff save (``validate_configuration``); loading a stored
configuration only compiles (``compile_problem``), so a template saved before these
checks existed keeps its channel's programme running.
"""

import difflib
import functools
import html
import re
import threading

import pybars
from saleor.plugins.email_common import (
    compare,
    format_address,
    format_datetime,
    get_product_image_thumbnail,
    price,
)

from .journeys import SAMPLE_JOURNEY_PAYLOAD
from .parsing import ConfigProblem

# pybars' compiler keeps its parsing state in shared objects: two threads compiling at
# once corrupt each other (tests/carts/test_concurrency.py). Every compilation of ours,
# and Saleor's send_email which compiles too, holds this lock.
HANDLEBARS_LOCK = threading.Lock()

HELPERS = {
    "format_address": format_address,
    "price": price,
    "format_datetime": format_datetime,
    "get_product_image_thumbnail": get_product_image_thumbnail,
    "compare": compare,
}

_LINE = {
    "id": "1",
    "product_name": "Rain jacket",
    "variant_name": "M",
    "sku": "JACKET-M",
    "quantity": 2,
    "unit_price_net_amount": "40.00",
    "unit_price_gross_amount": "49.20",
    "total_net_amount": "80.00",
    "total_gross_amount": "98.40",
}
SAMPLE_PAYLOAD = {
    "event": "crm_cart_reminder",
    "reminder_id": 1,
    "stage": 2,
    "kind": "offer",
    "is_last_stage": False,
    "recipient_email": "ada@example.com",
    "channel_slug": "default-channel",
    "variant": "ten",
    "customer": {
        "user_id": 1,
        "email": "ada@example.com",
        "first_name": "Ada",
        "last_name": "Lovelace",
    },
    "checkout": {
        "token": "0f9a3b52-6c1e-4d1b-9a55-3f1c2b8e7d10",
        "url": "https://shop.example.com/checkout/0f9a3b52",
        "restore_token": "signed-token",
        "restore_url": "https://shop.example.com/checkout/0f9a3b52?crm=signed-token",
        "currency": "USD",
        "lines": [_LINE],
        "lines_count": 1,
        "quantity": 2,
        "subtotal_gross_amount": "98.40",
        "total_gross_amount": "98.40",
        "total_net_amount": "80.00",
        "last_change": "2026-03-02T10:00:00+00:00",
    },
    "offer": {
        "code": "CRM-7KQ2-MX4P",
        "discount_type": "percentage",
        "value": "10",
        "scope": "items",
        "ends_at": "2026-03-09T10:00:00+00:00",
        "description": "10 % off your items",
    },
    "unsubscribe_token": "signed-token",
    "unsubscribe_url": "https://shop.example.com/unsubscribe?token=signed-token",
    "unsubscribe_one_click_url": "https://shop.example.com/plugins/saleor.crm/unsubscribe?token=signed-token",
    "domain": "shop.example.com",
    "site_name": "Example shop",
    "logo_url": "",
}


def _paths(value: dict, prefix: str = "") -> list[str]:
    """The dotted variable names of a payload; a list's items as ``name[].field``."""
    paths = []
    for key, item in value.items():
        if isinstance(item, list):
            paths.extend(_paths(item[0], f"{prefix}{key}[]."))
        elif isinstance(item, dict):
            paths.extend(_paths(item, f"{prefix}{key}."))
        else:
            paths.append(f"{prefix}{key}")
    return paths


VARIABLES = tuple(_paths(SAMPLE_PAYLOAD))


def _compact(value: dict) -> str:
    """'customer (first_name, …), checkout (lines: each product_name, …), …'."""
    parts = []
    for key, item in value.items():
        if isinstance(item, list):
            parts.append(f"{key}[] ({_compact(item[0])})")
        elif isinstance(item, dict):
            parts.append(f"{key}.({_compact(item)})")
        else:
            parts.append(key)
    return ", ".join(parts)


# For help texts: every variable, grouped by object.
VARIABLES_TEXT = _compact(SAMPLE_PAYLOAD)

# The payloads templates are checked with, by the message they render: a cart reminder
# (above) or a journey's message (``journeys.SAMPLE_JOURNEY_PAYLOAD``, the shape of
# ``journeys.messages.journey_message_payload``; a test keeps the two equal).
CART_SAMPLE = "cart"
JOURNEY_SAMPLE = "journey"
SAMPLES = {CART_SAMPLE: SAMPLE_PAYLOAD, JOURNEY_SAMPLE: SAMPLE_JOURNEY_PAYLOAD}
_SAMPLE_VARIABLES = {
    name: (tuple(_paths(payload)), _compact(payload)) for name, payload in SAMPLES.items()
}


def subject_render(template: str, context: dict) -> str:
    """The subject as plain text on one line: un-escaped (``O'Brien``, not
    ``O&#x27;Brien``) and folded (a CR/LF in a shopper's name cannot inject a header)."""
    with HANDLEBARS_LOCK:
        rendered = pybars.Compiler().compile(template)(context, helpers=HELPERS)
    return " ".join(html.unescape(str(rendered)).split())


def body_render(template: str, context: dict) -> str:
    """The HTML body (Handlebars escapes the values)."""
    with HANDLEBARS_LOCK:
        return str(pybars.Compiler().compile(template)(context, helpers=HELPERS))


@functools.lru_cache(maxsize=256)
def compile_problem(source: str) -> str | None:
    """Why pybars cannot compile ``source``, or None. Cached: compiling takes
    milliseconds, and every load of a channel's configuration checks its templates."""
    try:
        with HANDLEBARS_LOCK:
            pybars.Compiler().compile(source)
    except pybars.PybarsError as error:
        return f"not a valid Handlebars template: {error}"
    return None


class _Recording(dict):
    """A payload object that notes the names a template asks it for and it lacks."""

    def __init__(self, value: dict, scope: str, misses: list):
        super().__init__(
            {
                key: _recording(item, f"{scope}.{key}".lstrip("."), misses)
                for key, item in value.items()
            }
        )
        self.scope = scope
        self.misses = misses

    def __missing__(self, key):
        self.misses.append((self.scope, key))
        raise KeyError(key)


def _recording(value, scope: str, misses: list):
    if isinstance(value, dict):
        return _Recording(value, scope, misses)
    if isinstance(value, list):
        return [_recording(item, f"{scope}[]", misses) for item in value]
    return value


_BLOCK_TAG = re.compile(r"\{\{~?\s*([#^/])\s*([\w.@-]+)")
# Appended to a template before rendering: lost if pybars stopped reading early.
_END_MARKER = "\u2063crm-end\u2063"


def _block_problem(source: str) -> str | None:
    """Which block is left open or closed by the wrong tag (pybars does not say)."""
    stack: list[str] = []
    for sign, name in _BLOCK_TAG.findall(source):
        if sign in "#^":
            stack.append(name)
            continue
        opened = stack.pop() if stack else None
        if opened != name:
            closes = f"{{{{#{opened}}}}}" if opened else "nothing"
            return f"{{{{/{name}}}}} closes {closes}."
    if stack:
        return f"{{{{#{stack[-1]}}}}} is not closed."
    return None


def _tag_problem(source: str) -> str | None:
    """A block left open or wrongly closed, or a tag without its ``}}``."""
    if (problem := _block_problem(source)) is not None:
        return problem
    if source.count("{{") != source.count("}}"):
        return "a '{{' is not closed with '}}'."
    return None


def _variable_problem(misses: list[tuple[str, str]], sample: str) -> str:
    variables, variables_text = _SAMPLE_VARIABLES[sample]
    scope, name = misses[0]
    if scope.endswith("[]"):
        typed, where = name, f" in {{{{#each {scope[:-2]}}}}}"
        known = [path.removeprefix(f"{scope}.") for path in variables if path.startswith(scope)]
    else:
        typed, where = f"{scope}.{name}".lstrip("."), ""
        known = [path for path in variables if path.startswith(f"{scope}.".lstrip("."))]
    close = difflib.get_close_matches(typed, known, n=1, cutoff=0.6)
    hint = f" (did you mean {{{{{close[0]}}}}}?)" if close else ""
    others = sorted({f"{{{{{typed}}}}}" for _scope, typed in misses[1:]})
    also = f" (also {', '.join(others)})" if others else ""
    listing = variables_text if not scope else ", ".join(known)
    return f"{{{{{typed}}}}}{where} is not a variable{hint}{also}; the variables are: {listing}."


@functools.lru_cache(maxsize=256)
def _template_problem(source: str, subject: bool, sample: str) -> str | None:
    if (problem := compile_problem(source)) is not None:
        return _tag_problem(source) or problem
    misses: list[tuple[str, str]] = []
    render = subject_render if subject else body_render
    try:
        rendered = render(source + _END_MARKER, _recording(SAMPLES[sample], "", misses))
    except pybars.PybarsError as error:  # what follows an unfinished tag does not parse
        detail = str(error).replace(_END_MARKER, "")
        return _tag_problem(source) or f"not a valid Handlebars template: {detail}"
    except Exception as error:  # noqa: BLE001 - staff's template, any helper may raise
        return f"cannot be rendered with sample data: {str(error).rstrip('.')}."
    if not rendered.endswith(_END_MARKER):
        return _tag_problem(source) or "a tag is not finished; the template stops there."
    if misses:
        return _variable_problem(misses, sample)
    return None


def template_check(source: str, *, subject: bool, sample: str = CART_SAMPLE) -> str:
    """``source`` if it renders the sample payload (``SAMPLES[sample]``) completely, with
    known variables only; raise ``ConfigProblem`` otherwise."""
    if (problem := _template_problem(source, subject, sample)) is not None:
        raise ConfigProblem(problem)
    return source
