"""Reads of journeys for the API: a journey's figures, whichever tables hold them."""

from .cart_recovery import cart_journey_stats
from .models import Journey, JourneyKind
from .stats import JourneyStats, journey_stats


def journey_figures(*, journey: Journey, since=None, until=None, using: str) -> JourneyStats:
    """Cart recovery's from its own tables (``cart_recovery``), the others' from theirs."""
    if journey.kind == JourneyKind.CART_RECOVERY:
        return cart_journey_stats(journey=journey, since=since, until=until, using=using)
    return journey_stats(journey_id=journey.pk, since=since, until=until, using=using)
