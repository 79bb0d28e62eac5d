from enum import Enum

import pytest

from saleor_crm_plugin.carts.error_codes import CartRecoveryErrorCode
from saleor_crm_plugin.carts.exceptions import CartRecoveryError
from saleor_crm_plugin.errors import CRMError
from saleor_crm_plugin.graphql.utils import domain_error_to_validation_error
from saleor_crm_plugin.loyalty.error_codes import LoyaltyErrorCode
from saleor_crm_plugin.loyalty.exceptions import InsufficientPoints, LoyaltyError
from saleor_crm_plugin.segments.error_codes import CustomerSegmentErrorCode
from saleor_crm_plugin.segments.exceptions import SegmentError


def test_every_domain_error_is_a_crm_error_bound_to_its_enum():
    # when / then
    assert {cls.code_enum for cls in (LoyaltyError, SegmentError, CartRecoveryError)} == {
        LoyaltyErrorCode,
        CustomerSegmentErrorCode,
        CartRecoveryErrorCode,
    }
    assert all(issubclass(cls, CRMError) for cls in (LoyaltyError, SegmentError, CartRecoveryError))


def test_an_error_carries_its_class_code_as_an_enum_member():
    # when
    error = InsufficientPoints("Not enough points.", field="points")

    # then
    assert (error.code, error.message, error.field, error.path, str(error)) == (
        LoyaltyErrorCode.INSUFFICIENT_POINTS,
        "Not enough points.",
        "points",
        None,
        "Not enough points.",
    )


def test_a_code_given_as_its_value_becomes_the_enum_member():
    # given
    class AccountRequired(LoyaltyError):
        code = LoyaltyErrorCode.ACCOUNT_REQUIRED.value

    # when
    error = AccountRequired("Sign in.")

    # then
    assert AccountRequired.code is LoyaltyErrorCode.ACCOUNT_REQUIRED
    assert error.code is LoyaltyErrorCode.ACCOUNT_REQUIRED


def test_a_code_of_another_domain_is_refused():
    # when / then: at class creation
    with pytest.raises(ValueError, match="is not a valid LoyaltyErrorCode"):

        class Foreign(LoyaltyError):
            code = CartRecoveryErrorCode.INVALID_TOKEN

    # and at raise
    with pytest.raises(ValueError, match="is not a valid CustomerSegmentErrorCode"):
        SegmentError("Bad.", code=LoyaltyErrorCode.INVALID)


def test_a_field_error_becomes_saleor_s_field_error():
    # given
    error = CartRecoveryError(
        "The link is not valid.", code=CartRecoveryErrorCode.INVALID_TOKEN, field="token"
    )

    # when
    validation_error = domain_error_to_validation_error(error)

    # then
    [(field, [inner])] = validation_error.error_dict.items()
    assert (field, inner.code, inner.messages, inner.params) == (
        "token",
        "invalid_token",
        ["The link is not valid."],
        None,
    )


def test_an_error_with_a_path_names_the_node_in_message_and_params():
    # given: a message with a literal percent sign
    error = SegmentError(
        "At most 100% is allowed.",
        code=CustomerSegmentErrorCode.INVALID_VALUE,
        field="definition",
        path="all[1]",
    )

    # when
    validation_error = domain_error_to_validation_error(error)

    # then
    [(field, [inner])] = validation_error.error_dict.items()
    assert (field, inner.code, inner.messages, inner.params) == (
        "definition",
        "invalid_value",
        ["all[1]: At most 100% is allowed."],
        {"path": "all[1]"},
    )


def test_an_error_without_a_field_is_a_non_field_error():
    # given
    error = LoyaltyError("Nothing to do.")

    # when
    validation_error = domain_error_to_validation_error(error)

    # then
    assert not hasattr(validation_error, "error_dict")
    assert (validation_error.code, validation_error.messages) == ("invalid", ["Nothing to do."])


def test_no_crm_error_class_of_the_plugin_is_left_without_an_enum_member():
    # given: every module that declares errors is imported by the plugin
    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    # when / then
    assert all(
        isinstance(cls.code, Enum) and isinstance(cls.code, cls.code_enum)
        for cls in subclasses(CRMError)
        if cls.__module__.startswith("saleor_crm_plugin.")
    )
