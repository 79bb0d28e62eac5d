import uuid

import graphene
from django.core.exceptions import ValidationError
from saleor.graphql.account.types import User
from saleor.graphql.app.dataloaders import get_app_promise
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.permission.enums import AccountPermissions

from ....loyalty import bonuses
from ....loyalty.error_codes import LoyaltyErrorCode
from ....loyalty.models import LoyaltyAccount as LoyaltyAccountModel
from ...utils import CRMBaseMutation, check_channel_access, get_node_or_error
from ..enums import DOC_CATEGORY_LOYALTY
from ..types import LoyaltyAccount, LoyaltyEntry, LoyaltyErrorType
from .utils import get_channel_or_error

MAX_IDEMPOTENCY_KEY_LENGTH = 100


class LoyaltyPointsAdjust(CRMBaseMutation):
    account = graphene.Field(
        LoyaltyAccount, description="The customer's account after the adjustment."
    )
    entry = graphene.Field(
        LoyaltyEntry,
        description="The entry posted; for a repeated idempotency key, the first one.",
    )

    class Arguments:
        customer_id = graphene.ID(required=True, description="ID of the customer.")
        channel = graphene.String(required=True, description="Slug of the channel.")
        points = graphene.Int(
            required=True,
            description="Points to add (positive) or deduct (negative). A deduction "
            "may not take the available balance below zero.",
        )
        reason = graphene.String(
            required=True,
            description="Why the points change; shown to the customer in their history.",
        )
        idempotency_key = graphene.String(
            description="A key of your choice (up to 100 characters) that makes a "
            "retried request return the first adjustment instead of posting another. "
            "A new key is generated when omitted."
        )

    class Meta:
        description = (
            "Add or deduct a customer's loyalty points by hand. As Saleor's customer "
            "mutations, it refuses your own account (ADJUST_OWN_ACCOUNT) and staff "
            "accounts (ADJUST_STAFF_ACCOUNT); the entry records who adjusted and why "
            "(`LoyaltyEntry.actorUser`, `actorApp`, `reason`)."
        )
        doc_category = DOC_CATEGORY_LOYALTY
        permissions = (AccountPermissions.MANAGE_USERS,)
        error_type_class = LoyaltyErrorType

    @classmethod
    def perform_mutation(  # type: ignore[override]
        cls,
        _root,
        info: ResolveInfo,
        /,
        *,
        customer_id: str,
        channel: str,
        points: int,
        reason: str,
        idempotency_key: str | None = None,
    ):
        check_channel_access(info, channel)
        customer = get_node_or_error(info, customer_id, only_type=User, field="customerId")
        channel_obj = get_channel_or_error(
            channel, using=get_database_connection_name(info.context)
        )
        key = idempotency_key or uuid.uuid4().hex
        if len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
            raise ValidationError(
                {
                    "idempotencyKey": ValidationError(
                        f"At most {MAX_IDEMPOTENCY_KEY_LENGTH} characters.",
                        code=LoyaltyErrorCode.INVALID.value,
                    )
                }
            )
        app = get_app_promise(info.context).get()
        posting = bonuses.account_points_adjust(
            user=customer,
            channel_id=channel_obj.pk,
            points=points,
            reason=reason,
            # Scoped to the account, so a key can never collide with another
            # account's or with the keys the ledger derives from events.
            idempotency_key=f"adjust:{customer.pk}:{channel_obj.pk}:{key}",
            actor_user_id=info.context.user.pk if info.context.user else None,
            actor_app_id=app.pk if app else None,
            allow_negative_balance=False,
        )
        account = LoyaltyAccountModel.objects.get(pk=posting.entry.account_id)
        return cls(account=account, entry=posting.entry, errors=[])
