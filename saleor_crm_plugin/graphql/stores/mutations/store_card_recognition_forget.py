import graphene
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.permission.auth_filters import AuthorizationFilters

from ....stores.error_codes import StoreErrorCode
from ....stores.recognition import store_card_recognition_forget
from ... import utils
from ...utils import CRMBaseMutation
from ..enums import DOC_CATEGORY_STORES
from ..types import StoreErrorType


class StoreCardRecognitionForget(CRMBaseMutation):
    forgotten = graphene.Int(description="How many cards were forgotten (null when refused).")

    class Arguments:
        channel = graphene.String(required=True, description="Slug of the channel.")

    class Meta:
        description = (
            "Opt out of card recognition in a channel: the cards remembered for the "
            "signed-in customer are forgotten, and later purchases with them are no "
            "longer linked by themselves (purchases linked before stay). Requires a "
            "signed-in user; apps cannot."
        )
        doc_category = DOC_CATEGORY_STORES
        permissions = (AuthorizationFilters.AUTHENTICATED_USER,)
        error_type_class = StoreErrorType

    @classmethod
    def perform_mutation(cls, _root, info: ResolveInfo, /, *, channel):  # type: ignore[override]
        channel = utils.get_channel_or_error(
            channel,
            using=get_database_connection_name(info.context),
            code=StoreErrorCode.NOT_FOUND.value,
        )
        forgotten = store_card_recognition_forget(user=info.context.user, channel_id=channel.pk)
        return cls(forgotten=forgotten)
