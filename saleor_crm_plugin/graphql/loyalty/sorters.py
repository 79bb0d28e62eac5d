from saleor.graphql.core.types import BaseEnum, SortInputObjectType

from .enums import DOC_CATEGORY_LOYALTY


class LoyaltyAccountSortField(BaseEnum):
    BALANCE = ["balance", "pk"]
    LIFETIME_POINTS = ["lifetime_points", "pk"]
    CREATED_AT = ["created_at", "pk"]

    class Meta:
        doc_category = DOC_CATEGORY_LOYALTY

    @property
    def description(self):
        return f"Sort loyalty accounts by {self.name.lower().replace('_', ' ')}."


class LoyaltyAccountSortingInput(SortInputObjectType):
    class Meta:
        doc_category = DOC_CATEGORY_LOYALTY
        sort_enum = LoyaltyAccountSortField
        type_name = "loyalty accounts"
