"""Finding the shopper at the till: by member code, e-mail or phone number.

The member code is what the storefront shows as a QR code or barcode; it names one
account in one channel. An e-mail names one customer. A phone number is searched in
customers' saved addresses (Saleor keeps no phone on the customer itself) and must name
exactly one customer: two customers sharing a number are refused, not guessed between.
"""

from django.contrib.auth import get_user_model
from phonenumber_field.phonenumber import PhoneNumber
from phonenumbers import NumberParseException

from ..loyalty.accounts import account_by_member_code
from ..loyalty.exceptions import InvalidMemberCode
from .error_codes import StoreErrorCode
from .exceptions import CustomerNotFound, StoreError
from .models import LinkMethod

User = get_user_model()


def _active_customers():
    return User.objects.filter(is_active=True)


def _by_member_code(channel_id: int, raw: str) -> int:
    try:
        account = account_by_member_code(channel_id=channel_id, raw=raw)
    except InvalidMemberCode as error:
        raise StoreError(
            error.message, code=StoreErrorCode.INVALID_MEMBER_CODE, field="memberCode"
        ) from error
    if account is None or not _active_customers().filter(pk=account.user_id).exists():
        raise CustomerNotFound("No customer has this member code.", field="memberCode")
    return account.user_id


def _by_email(raw: str) -> int:
    if "\x00" in raw:  # PostgreSQL cannot compare text holding NUL
        raise CustomerNotFound("No customer has this e-mail address.", field="email")
    user_id = _active_customers().filter(email__iexact=raw.strip()).values_list("pk", flat=True)
    found = list(user_id[:1])
    if not found:
        raise CustomerNotFound("No customer has this e-mail address.", field="email")
    return found[0]


def _by_phone(raw: str, default_region: str | None) -> int:
    try:
        number = PhoneNumber.from_string(raw.strip(), region=default_region)
    except NumberParseException as error:
        raise StoreError("This is not a phone number.", field="phone") from error
    if not number.is_valid():
        raise StoreError("This is not a phone number.", field="phone")
    user_ids = list(
        _active_customers()
        .filter(addresses__phone=number.as_e164)
        .values_list("pk", flat=True)
        .distinct()[:2]
    )
    if not user_ids:
        raise CustomerNotFound("No customer has this phone number.", field="phone")
    if len(user_ids) > 1:
        raise StoreError(
            "Several customers have this phone number: use their member code or e-mail.",
            code=StoreErrorCode.AMBIGUOUS_CUSTOMER,
            field="phone",
        )
    return user_ids[0]


def customer_find(
    *,
    channel_id: int,
    member_code: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    default_region: str | None = None,
) -> tuple[int, str]:
    """(customer id, link method) for exactly one of the three ways to name a shopper."""
    given = [
        name
        for name, value in (("memberCode", member_code), ("email", email), ("phone", phone))
        if value
    ]
    if len(given) != 1:
        raise StoreError(
            "Name the customer by exactly one of member code, e-mail or phone.",
            code=StoreErrorCode.REQUIRED if not given else StoreErrorCode.INVALID,
            field="customer",
        )
    if member_code:
        return _by_member_code(channel_id, member_code), LinkMethod.MEMBER_CODE
    if email:
        return _by_email(email), LinkMethod.EMAIL
    return _by_phone(phone, default_region), LinkMethod.PHONE
