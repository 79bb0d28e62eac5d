"""One measurement of section 4 or 5 in one scale database, in its own process.

``bench.main`` starts ``python -m django shell -c "from bench.scale_worker import main;
main()"`` with ``DATABASE_URL`` naming the scale database, ``BENCH_SCALE_SECTION``
("4" or "5") and ``BENCH_RESULT`` (a JSON file to write). A process per measurement
keeps each one's peak resident size its own, and lets the domain code run on Django's
default connection exactly as in production.

``segment_calls`` and ``cart_calls`` are the only places that name what is measured:
the segments and carts domains themselves.
"""

import dataclasses
import datetime
import json
import os
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from saleor.channel.models import Channel
from saleor.plugins.manager import get_plugins_manager

from saleor_crm_plugin.carts.detection import (
    MAX_DETECTION_BATCHES,
    abandoned_checkouts_detect,
    cart_recovery_channels,
)
from saleor_crm_plugin.carts.models import (
    AbandonedCheckout,
    CartDetectionCursor,
    CartRecoveryOffer,
    CartReminder,
)
from saleor_crm_plugin.config import PLUGIN_ID
from saleor_crm_plugin.segments.actions import (
    customer_segment_create,
    customer_segment_delete,
    customer_segments_refresh,
    segment_recompute,
)
from saleor_crm_plugin.segments.models import CustomerSegment

from . import carts, scale_db, segments
from .carts import CartCalls
from .segments import SegmentCalls

BENCH_SEGMENT_NAME = "bench: five conditions"


def progress(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr, flush=True)


def segment_calls(channel_id: int) -> SegmentCalls:
    """What section 4 measures: the segments domain itself."""
    return SegmentCalls(
        label="segments domain: segment_recompute / customer_segments_refresh",
        segment_create=_segment_create_fresh,
        recompute=lambda segment_id: segment_recompute(segment_id=segment_id, reason="bench"),
        refresh_customer=lambda user_id: customer_segments_refresh(user_id=user_id, reason="bench"),
        member_count=lambda segment_id: CustomerSegment.objects.get(pk=segment_id).member_count,
        is_domain=True,
    )


def _segment_create_fresh(definition: dict, channel_id: int) -> int:
    # A refresh evaluates every segment: earlier runs' bench segments must not pile up.
    for segment in CustomerSegment.objects.filter(name=BENCH_SEGMENT_NAME):
        customer_segment_delete(segment=segment)
    segment = customer_segment_create(
        name=BENCH_SEGMENT_NAME, definition=definition, channel_id=channel_id
    )
    return segment.pk


# Cart recovery on, messages through manager.notify only (no SMTP host).
CART_RECOVERY_CONFIG = {
    "cart_recovery_enabled": True,
    "storefront_checkout_url": "https://shop.example/checkout/{token}",
    "storefront_unsubscribe_url": "https://shop.example/unsubscribe/{token}",
}
# The sweep before the measured one ran this long earlier (the beat runs it every 5 min).
PREVIOUS_SWEEP = datetime.timedelta(minutes=5)


def cart_calls() -> CartCalls:
    """What section 5 measures: the detection part of the domain's sweep.

    ``abandoned_checkouts_sweep`` is detection (set-based, measured here) followed by at
    most ``cart_messages_per_run`` reminders sent one by one; the sending is bounded per
    run and is not part of this figure. ``reset`` empties our tables and runs the
    previous sweep's detection 5 minutes earlier, so the measured sweep is the steady
    state: it reads only what became due since then.
    """
    return CartCalls(
        label="carts domain: abandoned_checkouts_detect (the sweep's detection, steady state)",
        prepare=lambda channel_id: crm_configure(channel_id, CART_RECOVERY_CONFIG),
        reset=_cart_state_reset,
        sweep=_cart_detect,
        is_domain=True,
        forget=_cart_state_forget,
        sweep_bound=MAX_DETECTION_BATCHES * DETECTION_BATCH,
    )


# The sweep's batch size (``abandoned_checkouts_sweep``'s default).
DETECTION_BATCH = 1000


def _cart_detect(now) -> int:
    return sum(
        abandoned_checkouts_detect(
            channel_id=channel_id, config=config, now=now, batch_size=DETECTION_BATCH
        )
        for channel_id, config in cart_recovery_channels()
    )


def _cart_state_forget() -> None:
    _previous_sweep.clear()
    tables_truncate(AbandonedCheckout, CartReminder, CartRecoveryOffer, CartDetectionCursor)


# What the previous sweep left: (its ``now``, the channels' cursors after it).
_previous_sweep: dict = {}


def _cart_state_reset(now) -> None:
    """Our tables as the sweep 5 minutes before ``now`` left them.

    The first time, from empty: forget, then run that sweep. Later, only what the
    measured sweep wrote is taken back (the rows it detected at ``now``, the cursors it
    moved), so every timed sweep meets tables as a live shop's sweep does, not freshly
    truncated ones.
    """
    if _previous_sweep.get("now") != now:
        _cart_state_forget()
        _cart_detect(now - PREVIOUS_SWEEP)
        _previous_sweep["now"] = now
        _previous_sweep["cursors"] = list(
            CartDetectionCursor.objects.values_list("channel_id", "scanned_until")
        )
        return
    AbandonedCheckout.objects.filter(detected_at=now).delete()
    for channel_id, scanned_until in _previous_sweep["cursors"]:
        CartDetectionCursor.objects.filter(channel_id=channel_id).update(
            scanned_until=scanned_until
        )


def crm_configure(channel_id: int, values: dict) -> None:
    """Activate the CRM plugin on the channel with ``values`` (Saleor's plugin manager
    validates them, as ``pluginUpdate`` does)."""
    channel = Channel.objects.get(pk=channel_id)
    configuration = [{"name": name, "value": value} for name, value in values.items()]
    manager = get_plugins_manager(allow_replica=False)
    manager.save_plugin_configuration(
        PLUGIN_ID, channel.slug, {"active": True, "configuration": configuration}
    )


def tables_truncate(*models) -> None:
    """Empty the tables of ``models`` (untimed resets between rounds)."""
    names = ", ".join(connection.ops.quote_name(model._meta.db_table) for model in models)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {names}")


def _setting(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def main() -> None:
    section = os.environ["BENCH_SCALE_SECTION"]
    call_command("migrate", interactive=False, verbosity=0)
    connection.ensure_connection()
    state = scale_db.scale_state_read(connection.connection)
    channel = Channel.objects.get(slug=settings.DEFAULT_CHANNEL_SLUG)
    rounds = _setting("BENCH_SCALE_ROUNDS", 9)
    warmup = _setting("BENCH_SCALE_WARMUP", 1)
    if section == "4":
        result = segments.run(
            calls=segment_calls(channel.pk),
            channel_id=channel.pk,
            customers=state.customers,
            rounds=rounds,
            warmup=warmup,
            refresh_samples=_setting("BENCH_REFRESH_SAMPLES", 200),
            progress=progress,
        )
    elif section == "5":
        result = carts.run(
            calls=cart_calls(),
            channel_id=channel.pk,
            now=state.anchor,
            rounds=_setting("BENCH_SWEEP_ROUNDS", 30),
            warmup=warmup,
            progress=progress,
        )
    else:
        raise SystemExit(f"error: BENCH_SCALE_SECTION is 4 or 5, not {section!r}")
    Path(os.environ["BENCH_RESULT"]).write_text(json.dumps(dataclasses.asdict(result)))
