"""The built-in journeys: each kind's name, stages and settings when first created.

A shop enables one in a few clicks (``journeyCreate(channel, kind, enabled: true)``);
its stages are then ordinary data staff can edit. Bodies are short HTML with the
journey message's variables (``config.SAMPLE_JOURNEY_PAYLOAD``).
"""

from .models import JourneyKind


def _stage(delay: str, subject: str, body: str, offer_points: int = 0) -> dict:
    return {"delay": delay, "subject": subject, "body": body, "offer_points": offer_points}


_GREETING = "<p>Hello {{customer.first_name}},</p>"
_FOOTER = '<p><a href="{{unsubscribe_url}}">Unsubscribe</a> · {{site_name}}</p>'

BUILTINS: dict[str, tuple[str, list[dict]]] = {
    JourneyKind.POST_PURCHASE: (
        "Post-purchase follow-up",
        [
            _stage(
                "3d",
                "Thank you for your order {{order.number}}",
                f"{_GREETING}<p>Thank you for shopping with us. We hope you enjoy your "
                f"order {{{{order.number}}}}.</p>{_FOOTER}",
            ),
            _stage(
                "14d",
                "How was your order, {{customer.first_name}}?",
                f"{_GREETING}<p>Tell us what you think of your order "
                f"{{{{order.number}}}}: your review helps other shoppers.</p>{_FOOTER}",
            ),
        ],
    ),
    JourneyKind.WIN_BACK: (
        "Win-back",
        [
            _stage(
                "1h",
                "We miss you, {{customer.first_name}}",
                f"{_GREETING}<p>It has been a while. Here are {{{{offer.points}}}} bonus "
                f"points for your next order.</p>{_FOOTER}",
                offer_points=200,
            ),
            _stage(
                "14d",
                "Your bonus points are waiting",
                f"{_GREETING}<p>You have {{{{loyalty.balance}}}} points to spend.</p>{_FOOTER}",
            ),
        ],
    ),
    JourneyKind.BIRTHDAY: (
        "Birthday offer",
        [
            _stage(
                "1m",
                "Happy birthday, {{customer.first_name}}!",
                f"{_GREETING}<p>Happy birthday! Here are {{{{offer.points}}}} points "
                f"from us.</p>{_FOOTER}",
                offer_points=100,
            )
        ],
    ),
    JourneyKind.TIER_UP: (
        "Tier up",
        [
            _stage(
                "1m",
                "Welcome to {{loyalty.tier}}",
                f"{_GREETING}<p>You reached {{{{loyalty.tier}}}}.</p>{_FOOTER}",
            )
        ],
    ),
    JourneyKind.TIER_AT_RISK: (
        "Tier at risk",
        [
            _stage(
                "1m",
                "Keep your {{loyalty.tier}} status",
                f"{_GREETING}<p>Order again soon to keep {{{{loyalty.tier}}}}.</p>{_FOOTER}",
            )
        ],
    ),
    JourneyKind.POINTS_EXPIRING: (
        "Points expiring",
        [
            _stage(
                "1m",
                "{{loyalty.expiring_points}} points expire soon",
                f"{_GREETING}<p>{{{{loyalty.expiring_points}}}} of your points expire"
                "{{#if loyalty.expiring_at}} on {{format_datetime loyalty.expiring_at}}{{/if}}"
                f".</p>{_FOOTER}",
            )
        ],
    ),
    JourneyKind.SEGMENT_JOINED: (
        "Welcome to the segment",
        [_stage("1h", "News for you, {{customer.first_name}}", f"{_GREETING}{_FOOTER}")],
    ),
    JourneyKind.SEGMENT_LEFT: (
        "Left the segment",
        [_stage("1h", "We have something for you", f"{_GREETING}{_FOOTER}")],
    ),
}
