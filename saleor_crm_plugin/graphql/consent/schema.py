"""Consent in the GraphQL API: the customer's answers per purpose, their history, and
the signed-in customer's own change.

``User.crmMarketingConsent`` (the latest marketing answer), ``User.crmConsents`` (one
entry per purpose, answered or not) and ``User.crmConsentHistory`` (every change, with
source, actor and time) need the customer's own token or MANAGE_USERS, as
``User.loyalty``; dataloaders keep a list of customers at one query each.
``customerConsentUpdate`` is the signed-in customer's own answer (source ``customer``).
"""

import graphene
from saleor.account.models import User as UserModel
from saleor.graphql.account.types import User, is_newly_created_user
from saleor.graphql.account.utils import check_is_owner_or_has_one_of_perms
from saleor.graphql.core import ResolveInfo
from saleor.graphql.core.fields import BaseField
from saleor.graphql.utils import get_user_or_app_from_context
from saleor.permission.enums import AccountPermissions

from ...consent.models import ConsentPurpose
from ..carts.enums import DOC_CATEGORY_CART_RECOVERY
from .dataloaders import (
    ConsentEventsByCustomerLoader,
    ConsentsByCustomerLoader,
    MarketingConsentByCustomerLoader,
)
from .enums import DOC_CATEGORY_PRIVACY
from .mutations import CustomerConsentUpdate
from .types import CustomerConsent, CustomerConsentEvent, CustomerMarketingConsent


def _check_owner_or_manage_users(info: ResolveInfo, root: UserModel) -> None:
    requestor = get_user_or_app_from_context(info.context)
    check_is_owner_or_has_one_of_perms(requestor, root, AccountPermissions.MANAGE_USERS)


def resolve_user_crm_marketing_consent(root: UserModel, info: ResolveInfo):
    _check_owner_or_manage_users(info, root)
    if is_newly_created_user(root):
        return None
    return MarketingConsentByCustomerLoader(info.context).load((root.pk, root.email))


def consents_per_purpose(latest: dict) -> list[CustomerConsent]:
    """One entry per purpose, in ``ConsentPurpose.ALL`` order, answered or not."""
    entries = []
    for purpose in ConsentPurpose.ALL:
        row = latest.get(purpose)
        entries.append(
            CustomerConsent(
                purpose=purpose,
                granted=row.granted if row else None,
                source=row.source if row else None,
                updated_at=row.updated_at if row else None,
            )
        )
    return entries


def resolve_user_crm_consents(root: UserModel, info: ResolveInfo):
    _check_owner_or_manage_users(info, root)
    if is_newly_created_user(root):
        return consents_per_purpose({})
    return (
        ConsentsByCustomerLoader(info.context)
        .load((root.pk, root.email))
        .then(consents_per_purpose)
    )


def resolve_user_crm_consent_history(root: UserModel, info: ResolveInfo):
    _check_owner_or_manage_users(info, root)
    if is_newly_created_user(root):
        return []
    return ConsentEventsByCustomerLoader(info.context).load((root.pk, root.email))


class ConsentMutations(graphene.ObjectType):
    customer_consent_update = CustomerConsentUpdate.Field()


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
    (
        User,
        "crm_consents",
        BaseField(
            graphene.NonNull(graphene.List(graphene.NonNull(CustomerConsent))),
            description="The customer's consent per purpose (marketing e-mail, profiling) "
            "with its source and time; every purpose is listed, answered or not. Requires "
            "the customer's own token or MANAGE_USERS.",
            resolver=resolve_user_crm_consents,
            doc_category=DOC_CATEGORY_PRIVACY,
        ),
    ),
    (
        User,
        "crm_consent_history",
        BaseField(
            graphene.NonNull(graphene.List(graphene.NonNull(CustomerConsentEvent))),
            description="Every change of the customer's consent answers, newest first. "
            "Requires the customer's own token or MANAGE_USERS.",
            resolver=resolve_user_crm_consent_history,
            doc_category=DOC_CATEGORY_PRIVACY,
        ),
    ),
]
