"""``manage.py crm_loyalty_backfill``: award points for orders paid before the programme.

Runs the same reconciliation as live order events (``loyalty.orders.order_points_sync``) over
a channel's past customer orders, oldest first, with the return window counted from
each order's date. Every order's points carry the order's idempotency key, and orders
that already earned are skipped, so the command can be stopped and run again: it
carries on where it stopped and never awards twice. ``--dry-run`` writes nothing and
prints what it would award.
"""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from saleor.channel.models import Channel
from saleor.order.models import Order

from ...config import active_channel_programs, load_channel_program
from ...loyalty import fetch
from ...loyalty.accounts import program_start_record
from ...loyalty.orders import order_points_plan, order_points_sync

PROGRESS_EVERY = 100


class Command(BaseCommand):
    help = "Award loyalty points for historical paid orders (idempotent, resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--channel", help="Slug of one channel (default: every active one).")
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            help="Only orders placed on or after (YYYY-MM-DD).",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the totals, write nothing."
        )

    def handle(self, *args, channel=None, since=None, dry_run=False, **options):
        since_at = (
            datetime.datetime.combine(since, datetime.time.min, tzinfo=datetime.UTC)
            if since
            else None
        )
        for channel_obj in self._channels(channel):
            self._backfill_channel(channel_obj, since_at=since_at, dry_run=dry_run)

    def _channels(self, slug: str | None) -> list[Channel]:
        if slug is None:
            return list(
                Channel.objects.filter(pk__in=list(active_channel_programs())).order_by("slug")
            )
        channel = Channel.objects.filter(slug=slug).first()
        if channel is None:
            raise CommandError(f"No channel with slug {slug!r}.")
        if not load_channel_program(channel.pk).active:
            raise CommandError(f"The loyalty programme is not active in channel {slug!r}.")
        return [channel]

    def _backfill_channel(self, channel: Channel, *, since_at, dry_run: bool):
        if not dry_run:
            # Customers of these orders joined before the programme: no sign-up bonus.
            program_start_record(channel_id=channel.pk)
        orders = list(
            fetch.orders_to_backfill(channel_id=channel.pk, since=since_at).values_list(
                "pk", "user_id", "created_at"
            )
        )
        total = len(orders)
        earning_orders, customers, points = 0, set(), 0
        for done, (order_id, user_id, created_at) in enumerate(orders, start=1):
            net = self._process(order_id, created_at, dry_run=dry_run)
            if net is not None:
                earning_orders += 1
                customers.add(user_id)
                points += net
            if done % PROGRESS_EVERY == 0 or done == total:
                self.stdout.write(f"[{channel.slug}] {done}/{total} orders")
        verb = "would award" if dry_run else "awarded"
        self.stdout.write(
            f"[{channel.slug}] {verb}: orders={earning_orders} customers={len(customers)} "
            f"points={points}"
        )

    def _process(self, order_id, created_at, *, dry_run: bool) -> int | None:
        """Net points of the order (earned less reversed); None if it earns nothing."""
        if dry_run:
            order = Order.objects.filter(pk=order_id).first()
            plan = order_points_plan(order=order) if order else None
            return plan.earn - plan.reverse if plan and plan.earn else None
        result = order_points_sync(order_id=order_id, now=timezone.now(), paid_at=created_at)
        return result.earned - result.reversed if result.earned else None
