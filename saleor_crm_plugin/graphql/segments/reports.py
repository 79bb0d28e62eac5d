"""``customerRfmGrid`` and ``customerTags``: staff reports for the Dashboard's heat map
and tag pickers (MANAGE_USERS). The figures come from ``segments.reports``."""

import graphene
from graphql import GraphQLError
from prices import Money as Price
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.fields import PermissionsField
from saleor.graphql.core.scalars import DateTime
from saleor.graphql.core.types import BaseObjectType, Money, NonNullList
from saleor.permission.enums import AccountPermissions

from ...segments import reports
from ..utils import channel_or_none, check_channel_access
from .enums import DOC_CATEGORY_SEGMENTS

MAX_TAGS = 100


class CustomerRfmCell(BaseObjectType):
    recency = graphene.Int(required=True, description="R, 1 (longest ago) to 5 (most recent).")
    fm = graphene.Int(
        required=True, description="FM = (F + M) / 2 rounded half up, 1 (least) to 5 (most)."
    )
    customer_count = graphene.Int(required=True, description="Customers in the cell.")
    revenue = graphene.Field(
        Money, required=True, description="Their spend in the channel, in its currency."
    )

    class Meta:
        description = "The customers of one R × FM cell of the RFM grid."
        doc_category = DOC_CATEGORY_SEGMENTS


class CustomerRfmGrid(BaseObjectType):
    computed_at = DateTime(description="When the scores were last computed; null: never.")
    cells = NonNullList(
        CustomerRfmCell,
        required=True,
        description="All 25 cells: recency 5 to 1, each with FM 1 to 5.",
    )

    class Meta:
        description = "A channel's customers per RFM cell, as last scored."
        doc_category = DOC_CATEGORY_SEGMENTS


class CustomerTagCount(BaseObjectType):
    tag = graphene.String(required=True, description="The tag (normalised).")
    customer_count = graphene.Int(required=True, description="Customers carrying it.")
    automatic = graphene.Boolean(
        required=True, description="Whether a segment rule sets it on some of them."
    )

    class Meta:
        description = "A tag in use and how many customers carry it."
        doc_category = DOC_CATEGORY_SEGMENTS


def _grid_to_graphql(grid: reports.RfmGrid, currency: str) -> CustomerRfmGrid:
    return CustomerRfmGrid(
        computed_at=grid.computed_at,
        cells=[
            CustomerRfmCell(
                recency=cell.recency,
                fm=cell.fm,
                customer_count=cell.customer_count,
                revenue=Price(cell.revenue, currency),
            )
            for cell in grid.cells
        ],
    )


class SegmentReportQueries(graphene.ObjectType):
    customer_rfm_grid = PermissionsField(
        CustomerRfmGrid,
        channel=graphene.Argument(
            graphene.String, required=True, description="Slug of the channel."
        ),
        description="Customers and their revenue per R × FM cell (25 cells) as last "
        "scored, for a heat map. Null for an unknown channel.",
        permissions=[AccountPermissions.MANAGE_USERS],
        doc_category=DOC_CATEGORY_SEGMENTS,
    )
    customer_tags = PermissionsField(
        NonNullList(CustomerTagCount),
        required=True,
        search=graphene.Argument(graphene.String, description="Part of the tag."),
        first=graphene.Argument(
            graphene.Int, default_value=50, description=f"How many tags (1 to {MAX_TAGS})."
        ),
        description="Tags customers carry, most carried first, for pickers.",
        permissions=[AccountPermissions.MANAGE_USERS],
        doc_category=DOC_CATEGORY_SEGMENTS,
    )

    @staticmethod
    def resolve_customer_rfm_grid(_root, info: ResolveInfo, *, channel: str):
        check_channel_access(info, channel)
        database = get_database_connection_name(info.context)
        channel_obj = channel_or_none(channel, using=database)
        if channel_obj is None:
            return None
        grid = reports.rfm_grid(channel_id=channel_obj.pk, using=database)
        return _grid_to_graphql(grid, channel_obj.currency_code)

    @staticmethod
    def resolve_customer_tags(_root, info: ResolveInfo, *, first: int, search=None):
        if not 1 <= first <= MAX_TAGS:
            raise GraphQLError(f"first must be between 1 and {MAX_TAGS}.")
        return reports.tags_in_use(
            search=search, limit=first, using=get_database_connection_name(info.context)
        )
