from .journey_create import JourneyCreate
from .journey_update import JourneyUpdate

__all__ = ["JourneyCreate", "JourneyUpdate"]
