from collections import defaultdict
from decimal import Decimal

from django.utils import timezone
from promise import Promise
from saleor.core.db.connection import allow_writer_in_context
from saleor.graphql.core.dataloaders import DataLoader

from ...config import ChannelProgram, channels_with_programs, load_channel_programs
from ...loyalty import selectors
from ...loyalty.models import LoyaltyAccount


class ChannelProgramByChannelIdLoader(DataLoader[int, ChannelProgram]):
    """A channel's programme; one query for every channel the request asks about."""

    context_key = "crm_channel_program_by_channel_id"

    def batch_load(self, keys):
        programs = load_channel_programs(keys, using=self.database_connection_name)
        return [programs[channel_id] for channel_id in keys]


class ChannelBySlugWithProgramLoader(DataLoader[str, object]):
    """A channel by slug with its programme read in the same query (the programme
    loader is primed with it): a list of customers' points costs no programme query."""

    context_key = "crm_channel_by_slug_with_program"

    def batch_load(self, keys):
        found = channels_with_programs(keys, using=self.database_connection_name)
        programs = ChannelProgramByChannelIdLoader(self.context)
        for channel, program in found.values():
            programs.prime(channel.pk, program)
        return [found[slug][0] if slug in found else None for slug in keys]


class LoyaltyAccountByUserAndChannelIdLoader(DataLoader[tuple[int, int], LoyaltyAccount]):
    """The account of (user id, channel id), unsaved and empty if there is none."""

    context_key = "crm_loyalty_account_by_user_and_channel_id"

    def batch_load(self, keys):
        accounts = selectors.accounts_by_user_and_channel(keys, using=self.database_connection_name)
        return [accounts[key] for key in keys]


class TierBasisValueByAccountLoader(DataLoader[tuple[int, int], Decimal]):
    """Tier spend (or points) in the window, keyed by (account id, channel id); one
    query for every channel."""

    context_key = "crm_tier_basis_value_by_account"

    def batch_load(self, keys):
        account_ids_by_channel = defaultdict(list)
        for account_id, channel_id in keys:
            account_ids_by_channel[channel_id].append(account_id)
        now = timezone.now()

        # Runs after batch_load has returned, out of Saleor's writer allowance: a
        # mutation's payload (loyaltyAccountOpen { account { tier } }) reads the writer.
        @allow_writer_in_context(self.context)
        def with_programs(programs):
            values = selectors.tier_basis_values_of_programs(
                zip(account_ids_by_channel.values(), programs, strict=True),
                now=now,
                using=self.database_connection_name,
            )
            return [values[account_id] for account_id, _channel_id in keys]

        return (
            ChannelProgramByChannelIdLoader(self.context)
            .load_many(list(account_ids_by_channel))
            .then(with_programs)
        )


class OrderPointsByOrderIdLoader(DataLoader[object, selectors.OrderPoints | None]):
    """An order's points (``selectors.order_points_by_order_id``); None: no points story."""

    context_key = "crm_order_points_by_order_id"

    def batch_load(self, keys):
        found = selectors.order_points_by_order_id(keys, using=self.database_connection_name)
        return [found.get(key) for key in keys]


class CustomerBirthdayByUserIdLoader(DataLoader[int, object]):
    context_key = "crm_customer_birthday_by_user_id"

    def batch_load(self, keys):
        birthdays = selectors.birthdays_by_user_id(keys, using=self.database_connection_name)
        return [birthdays[user_id] for user_id in keys]


def load_tier_basis_value(context, account: LoyaltyAccount) -> Promise:
    """An unsaved account has no entries, so nothing to count."""
    if account.pk is None:
        return Promise.resolve(Decimal(0))
    return TierBasisValueByAccountLoader(context).load((account.pk, account.channel_id))
