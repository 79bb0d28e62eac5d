"""Privacy in the GraphQL API: a customer's CRM data export, and erasure on request.

``User.crmDataExport`` is the export document (``privacy.export``, docs/privacy.md) as a
JSON string, for the customer's own token or MANAGE_USERS (meant for one customer at a
time: each computes the whole document). ``customerCrmErase`` needs MANAGE_USERS.
"""

import graphene
from saleor.account.models import User as UserModel
from saleor.graphql.account.types import User
from saleor.graphql.account.utils import check_is_owner_or_has_one_of_perms
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.context import get_database_connection_name
from saleor.graphql.core.fields import BaseField, JSONString
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.permission.enums import AccountPermissions

from ...privacy.export import customer_data_export
from ..consent.enums import DOC_CATEGORY_PRIVACY
from .mutations import CustomerCrmErase


def resolve_user_crm_data_export(root: UserModel, info: ResolveInfo):
    requestor = get_user_or_app_from_context(info.context)
    check_is_owner_or_has_one_of_perms(requestor, root, AccountPermissions.MANAGE_USERS)
    return customer_data_export(user=root, using=get_database_connection_name(info.context))


class PrivacyMutations(graphene.ObjectType):
    customer_crm_erase = CustomerCrmErase.Field()


# (Saleor type, field name, mounted field with its resolver): see ..schema
TYPE_EXTENSIONS: list = [
    (
        User,
        "crm_data_export",
        BaseField(
            JSONString,
            description="Everything the CRM holds about the customer, as one versioned "
            "JSON document (format `saleor-crm-customer-export`, docs/privacy.md): "
            "loyalty accounts and their ledger, tiers, tags, segments with reasons, cart "
            "recovery, consent and its history, store purchases, links and claims. "
            "Requires the customer's own token or MANAGE_USERS.",
            resolver=resolve_user_crm_data_export,
            doc_category=DOC_CATEGORY_PRIVACY,
        ),
    ),
]
