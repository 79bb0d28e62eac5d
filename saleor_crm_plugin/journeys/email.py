"""The CRM's own e-mail for journey messages (SMTP of the channel, as cart reminders).

Our plugin's ``notify`` calls ``journey_email_send`` for ``crm_journey_message`` when the
channel configures an SMTP host; without one, apps subscribed to NOTIFY_USER send it.
The stage's subject and body were checked when the journey was saved; they are read
again from the journey (the payload names it and its stage), so a payload an app
changed cannot choose the template. Every message is marketing: it carries
``List-Unsubscribe`` and one-click ``List-Unsubscribe-Post`` (``mail``), pointing at the
recipient's pseudonymous, expiring link. An empty body sends nothing. Sending errors reach
the sweep (``carts.email.stops_the_batch`` tells a server's from one message's).
"""

from ..config import parse_configuration
from ..mail import marketing_email_send
from .definition import journey_stages
from .models import Journey


def journey_email_send(*, payload: dict, configuration: list[dict]) -> bool:
    """Send the message e-mail when the channel has SMTP; return whether one was sent."""
    config = parse_configuration(configuration)
    if not config.smtp.host:
        return False
    journey = Journey.objects.filter(pk=payload["journey"]["id"]).first()
    if journey is None:
        return False
    stages = journey_stages(journey.stages)
    stage = next((stage for stage in stages if stage.number == payload["stage"]), None)
    if stage is None:
        return False
    return marketing_email_send(
        config=config, payload=payload, subject=stage.subject, body=stage.body
    )
