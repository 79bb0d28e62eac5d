from saleor.graphql.core.types import BaseEnum, SortInputObjectType

from .enums import DOC_CATEGORY_STORES


class StorePurchaseSortField(BaseEnum):
    PURCHASED_AT = ["purchased_at", "pk"]
    TOTAL = ["amount", "pk"]

    class Meta:
        doc_category = DOC_CATEGORY_STORES

    @property
    def description(self):
        return f"Sort store purchases by {self.name.lower().replace('_', ' ')}."


class StorePurchaseSortingInput(SortInputObjectType):
    class Meta:
        doc_category = DOC_CATEGORY_STORES
        sort_enum = StorePurchaseSortField
        type_name = "store purchases"


# Newest first unless the client sorts.
DEFAULT_SORT = {"field": StorePurchaseSortField.PURCHASED_AT.value, "direction": "-"}
