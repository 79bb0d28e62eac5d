"""Fill the demo's CRM so that every view of the Dashboard extension has data at once.

``crm_seed(channel_slug)`` runs three steps through the CRM's own domain functions, each
safe to run again (``demo.prepare`` runs it on every preparation):

1. ``demo.seed_history``: the sample orders spread over the past months and replayed
   into points, tiers, refunds' reversals and expiries (once, while the ledger is empty);
2. ``demo.seed_carts``: abandoned checkouts reminded by the real sweep, consent answers,
   one recovered with points (once, while the channel tracks no checkout);
3. ``demo.seed_customers``: manual tags, RFM scores and example segments (tags and
   scores converge; a segment is created when its name is not taken).

Progress is a few lines on stdout.
"""

from django.utils import timezone
from saleor.channel.models import Channel

from .seed_carts import carts_seed
from .seed_customers import customers_seed
from .seed_history import history_needed, loyalty_history_seed, orders_count


def say(message: str, *, end: str = "\n") -> None:
    print(message, end=end, flush=True)


def crm_seed(channel_slug: str) -> None:
    channel = Channel.objects.get(slug=channel_slug)
    _history(channel)
    _carts(channel)
    _customers(channel)


def _history(channel: Channel) -> None:
    if not history_needed(channel_id=channel.pk):
        say("Loyalty history: already in the ledger.")
        return
    count = orders_count(channel_id=channel.pk)
    say(f"Backfilling {count} customer orders of {channel.slug} into points...", end=" ")
    result = loyalty_history_seed(channel_id=channel.pk, now=timezone.now())
    say(
        f"done: {result.points} points for {result.earning_orders} orders, "
        f"{result.reversed} reversed by refunds, {result.expired} batches expired."
    )


def _carts(channel: Channel) -> None:
    say("Abandoned checkouts and their reminders...", end=" ")
    result = carts_seed(channel=channel)
    if result is None:
        say("already there (or cart recovery is off).")
        return
    recovered = (
        f"order #{result.recovered_order} recovered" if result.recovered_order else "none recovered"
    )
    if not result.checkouts:  # they were left before; only the recovery was missing
        say(f"done: {recovered}.")
        return
    say(
        f"done: {result.checkouts} checkouts, {result.sent} reminders sent and "
        f"{result.skipped} skipped in {result.sweeps} sweeps; {recovered}."
    )


def _customers(channel: Channel) -> None:
    say("Tags, RFM scores and example segments...", end=" ")
    result = customers_seed(channel=channel)
    members = ", ".join(f"{name}: {count}" for name, count in result.members.items())
    say(
        f"done: {result.scored} customers scored, {result.tagged} tagged, "
        f"{len(result.created)} segments created ({members})."
    )
