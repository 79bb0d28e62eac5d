import graphene

# Requester fixtures (tests/graphql/conftest.py) by what they may do with journeys.
MANAGE_USERS = ["staff_manage_users", "app_manage_users"]
WITHOUT_MANAGE_USERS = [
    "api_client",
    "user_api_client",
    "user2_api_client",
    "staff_api_client",
    "app_api_client",
    "staff_manage_orders",
    "app_manage_orders",
]

JOURNEY_FIELDS = """
fragment JourneyFields on Journey {
  id kind name enabled holdoutPercent
  triggerSettings { days daysBefore churnRiskPercent segment }
  channel { slug }
  stages { number delay delaySeconds subject body offerPoints }
}
"""


def journey_id(journey) -> str:
    return graphene.Node.to_global_id("Journey", journey.pk)


UNKNOWN_JOURNEY_ID = graphene.Node.to_global_id("Journey", 0)
