"""``User.crmMarketingConsent``: the customer's latest marketing answer.

The answer is read as cart reminders and segments read it (``consent.selectors``):
the latest row by account or by the customer's current e-mail. The customer's own
token or MANAGE_USERS, as ``User.loyalty``; a dataloader keeps a list of customers at
one query.
"""

from saleor.account.models import User as UserModel
from saleor.graphql.account.types import User, is_newly_created_user
from saleor.graphql.account.utils import check_is_owner_or_has_one_of_perms
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.fields import BaseField
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.permission.enums import AccountPermissions

from ..carts.enums import DOC_CATEGORY_CART_RECOVERY
from .dataloaders import MarketingConsentByCustomerLoader
from .types import CustomerMarketingConsent


def resolve_user_crm_marketing_consent(root: UserModel, info: ResolveInfo):
    requestor = get_user_or_app_from_context(info.context)
    check_is_owner_or_has_one_of_perms(requestor, root, AccountPermissions.MANAGE_USERS)
    if is_newly_created_user(root):
        return None
    return MarketingConsentByCustomerLoader(info.context).load((root.pk, root.email))


# (Saleor type, field name, mounted field with its resolver): see ..schema
TYPE_EXTENSIONS: list = [
    (
        User,
        "crm_marketing_consent",
        BaseField(
            CustomerMarketingConsent,
            description="The customer's latest marketing-consent answer (by account, then "
            "by e-mail); null when they never answered. Requires the customer's own token "
            "or MANAGE_USERS.",
            resolver=resolve_user_crm_marketing_consent,
            doc_category=DOC_CATEGORY_CART_RECOVERY,
        ),
    ),
]
