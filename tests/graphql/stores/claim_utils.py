"""GraphQL documents and steps of the receipt-claim API tests."""

import graphene
from saleor.graphql.tests.utils import get_graphql_content

# Requester fixtures (see tests/graphql/conftest.py) by what they may do here: any
# signed-in user, for themself; no app, whatever its permissions.
SIGNED_IN = ["user_api_client", "staff_api_client", "staff_manage_orders", "staff_manage_users"]
APPS = ["app_api_client", "app_manage_orders", "app_manage_users"]
DENIED = ["api_client", *APPS]

CLAIM_START = """
mutation($channel: String!, $receiptCode: String!, $rememberCard: Boolean) {
  storePurchaseClaimStart(
    channel: $channel, receiptCode: $receiptCode, rememberCard: $rememberCard
  ) {
    claim { id expiresAt rememberCard storeName purchasedAt total { amount currency } }
    errors { field code message }
  }
}
"""

CLAIM_CONFIRM = """
mutation($claimId: ID!, $code: String!) {
  storePurchaseClaimConfirm(claimId: $claimId, code: $code) {
    purchase { id receiptCode storeName purchasedAt total { amount currency } }
    pointsEarned
    cardRemembered
    errors { field code message }
  }
}
"""

CARD_FORGET = """
mutation($channel: String!) {
  storeCardRecognitionForget(channel: $channel) {
    forgotten
    errors { field code message }
  }
}
"""

MY_LOYALTY = """
query($channel: String) {
  me {
    loyalty(channel: $channel) {
      balance pending
      entries(first: 10) { edges { node { type points status availableAt reason } } }
    }
  }
}
"""


def claim_start(client, channel, receipt_code, **variables):
    """``storePurchaseClaimStart``; Saleor's test client runs what its commit schedules
    (the task e-mailing the code)."""
    return client.post_graphql(
        CLAIM_START, {"channel": channel.slug, "receiptCode": receipt_code, **variables}
    )


def claim_start_data(client, channel, receipt_code, **variables) -> dict:
    response = claim_start(client, channel, receipt_code, **variables)
    return get_graphql_content(response)["data"]["storePurchaseClaimStart"]


def claim_confirm(client, claim_id: str, code: str):
    return client.post_graphql(CLAIM_CONFIRM, {"claimId": claim_id, "code": code})


def claim_confirm_data(client, claim_id: str, code: str) -> dict:
    return get_graphql_content(claim_confirm(client, claim_id, code))["data"][
        "storePurchaseClaimConfirm"
    ]


def claim_global_id(claim) -> str:
    return graphene.Node.to_global_id("StorePurchaseClaim", claim.pk)


def errors_of(data: dict) -> list[tuple[str, str]]:
    return [(error["field"], error["code"]) for error in data["errors"]]
