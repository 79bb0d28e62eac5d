import graphene
from saleor.graphql.core import ResolveInfo
from saleor.permission.auth_filters import AuthorizationFilters

from ....stores.recognition import store_card_recognition_forget
from ...utils import CRMBaseMutation
from ..enums import DOC_CATEGORY_STORES
from ..types import StoreErrorType
from .utils import channel_of


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
        channel = channel_of(info, channel)
        forgotten = store_card_recognition_forget(user=info.context.user, channel_id=channel.pk)
        return cls(forgotten=forgotten)
