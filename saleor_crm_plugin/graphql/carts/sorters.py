from saleor.graphql.core.types import BaseEnum, SortInputObjectType

from .enums import DOC_CATEGORY_CART_RECOVERY


class AbandonedCheckoutSortField(BaseEnum):
    DETECTED_AT = ["detected_at", "pk"]
    TOTAL = ["total_gross_amount", "pk"]
    STAGE = ["stage", "pk"]
    EMAIL = ["email", "pk"]

    class Meta:
        doc_category = DOC_CATEGORY_CART_RECOVERY

    @property
    def description(self):
        return f"Sort abandoned checkouts by {self.name.lower().replace('_', ' ')}."


class AbandonedCheckoutSortingInput(SortInputObjectType):
    class Meta:
        doc_category = DOC_CATEGORY_CART_RECOVERY
        sort_enum = AbandonedCheckoutSortField
        type_name = "abandoned checkouts"
