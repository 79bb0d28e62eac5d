"""Helpers shared by the CRM's GraphQL packages."""

import graphene
from django.core.exceptions import ValidationError
from saleor.channel.models import Channel
from saleor.graphql.account.types import User
from saleor.permission.enums import AccountPermissions
from saleor.permission.utils import one_of_permissions_or_auth_filter_required


def get_channel_or_error(slug: str, *, using: str, code: str) -> Channel:
    """The channel with ``slug``, or a ``channel`` error with the API's ``code``."""
    channel = Channel.objects.using(using).filter(slug=slug).first()
    if channel is None:
        raise ValidationError(
            {"channel": ValidationError(f"Channel with '{slug}' slug does not exist.", code=code)}
        )
    return channel


class CustomerOrStaffMutationMixin:
    """A mutation customers run on themselves, and staff or apps with MANAGE_USERS on
    anyone (named by ``customerId``). Put it before ``BaseMutation`` in the bases."""

    @classmethod
    def check_permissions(cls, context, permissions=None, **data):
        if one_of_permissions_or_auth_filter_required(context, [AccountPermissions.MANAGE_USERS]):
            return True
        user = context.user
        customer_id = data["data"].get("customer_id")
        return bool(user) and (
            customer_id is None or customer_id == graphene.Node.to_global_id("User", user.pk)
        )

    @classmethod
    def get_customer(cls, info, customer_id, *, required_code: str):
        """The named customer, or the requesting customer when none is named."""
        if customer_id is not None:
            return cls.get_node_or_error(info, customer_id, only_type=User, field="customerId")
        if info.context.user is None:
            raise ValidationError(
                {
                    "customerId": ValidationError(
                        "An app must name the customer.", code=required_code
                    )
                }
            )
        return info.context.user
