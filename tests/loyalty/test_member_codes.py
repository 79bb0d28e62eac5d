"""Member codes: random, self-checking, forgiving of how they are typed; found per channel."""

from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saleor_crm_plugin.loyalty.accounts import account_by_member_code, account_get_or_create
from saleor_crm_plugin.loyalty.error_codes import LoyaltyErrorCode
from saleor_crm_plugin.loyalty.exceptions import InvalidMemberCode
from saleor_crm_plugin.loyalty.member_codes import (
    ALPHABET,
    LENGTH,
    member_code_check_character,
    member_code_display,
    member_code_generate,
    member_code_is_valid,
    member_code_normalize,
)
from saleor_crm_plugin.loyalty.models import LoyaltyAccount

bodies = st.text(alphabet=ALPHABET, min_size=LENGTH - 1, max_size=LENGTH - 1)
codes = bodies.map(lambda body: body + member_code_check_character(body))
positions = st.integers(min_value=0, max_value=LENGTH - 1)


def test_a_generated_code_is_ten_characters_of_the_alphabet_and_valid():
    # when
    code = member_code_generate()

    # then
    assert len(code) == LENGTH
    assert set(code) <= set(ALPHABET)
    assert member_code_is_valid(code)


def test_generated_codes_are_not_a_sequence():
    # when
    drawn = {member_code_generate() for _ in range(1000)}

    # then
    assert len(drawn) == 1000


@given(code=codes, position=positions, symbol=st.sampled_from(ALPHABET))
def test_every_single_substitution_is_detected(code, position, symbol):
    # given
    typo = code[:position] + symbol + code[position + 1 :]

    # then
    assert member_code_is_valid(typo) is (typo == code)


@given(code=codes, position=st.integers(min_value=0, max_value=LENGTH - 2))
def test_every_adjacent_transposition_is_detected(code, position):
    # given
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]

    # then
    assert member_code_is_valid(swapped) is (swapped == code)


def test_every_substitution_and_transposition_of_one_code_is_detected_exhaustively():
    # given
    code = member_code_generate()
    substitutions = [
        code[:at] + symbol + code[at + 1 :]
        for at in range(LENGTH)
        for symbol in ALPHABET
        if symbol != code[at]
    ]
    transpositions = [
        code[:at] + code[at + 1] + code[at] + code[at + 2 :]
        for at in range(LENGTH - 1)
        if code[at] != code[at + 1]
    ]

    # then
    assert not any(member_code_is_valid(typo) for typo in substitutions + transpositions)


@given(code=codes, data=st.data())
def test_normalisation_round_trips_how_people_type_a_code(code, data):
    # given: any case, groups and spaces, 0 read as O and 1 as I or L
    typed = ""
    for symbol in code:
        look_alikes = {"0": "0Oo", "1": "1IiLl"}.get(symbol, symbol + symbol.lower())
        typed += data.draw(st.sampled_from(look_alikes)) + data.draw(
            st.sampled_from(["", "-", " "])
        )

    # then
    assert member_code_normalize(typed) == code
    assert member_code_is_valid(typed)
    assert member_code_normalize(member_code_display(code)) == code


@pytest.mark.parametrize("raw", ["", "ABC", "0" * 11, "UUUUUUUUUU", "ABCDE*GHJK"])
def test_malformed_input_is_not_valid(raw):
    assert not member_code_is_valid(raw)


def test_display_groups_the_code_in_fives():
    assert member_code_display("k7qmd2xd94") == "K7QMD-2XD94"


def test_an_opened_account_has_a_valid_code(usd_account):
    assert member_code_is_valid(usd_account.member_code)


def test_a_code_drawn_twice_is_drawn_again(usd_account, customer_user2, crm_usd):
    # given
    fresh = member_code_generate()
    draws = iter([usd_account.member_code, fresh])

    # when
    field = LoyaltyAccount._meta.get_field("member_code")
    with mock.patch.object(field, "_get_default", lambda: next(draws)):
        account = account_get_or_create(user_id=customer_user2.pk, channel_id=crm_usd.pk)

    # then
    assert (account.user_id, account.member_code) == (customer_user2.pk, fresh)


def test_account_is_found_by_its_code_as_typed(usd_account, crm_usd):
    # given
    typed = member_code_display(usd_account.member_code).lower()

    # when
    found = account_by_member_code(channel_id=crm_usd.pk, raw=typed)

    # then
    assert found == usd_account


def test_a_code_of_another_channel_finds_nothing(usd_account, channel_PLN):
    assert account_by_member_code(channel_id=channel_PLN.pk, raw=usd_account.member_code) is None


def test_a_deleted_customers_code_finds_nothing(usd_account, crm_usd):
    # given
    LoyaltyAccount.objects.filter(pk=usd_account.pk).update(user=None)

    # then
    assert account_by_member_code(channel_id=crm_usd.pk, raw=usd_account.member_code) is None


def test_a_mistyped_code_is_refused_without_a_query(
    usd_account, crm_usd, django_assert_num_queries
):
    # given
    code = usd_account.member_code
    typo = code[1] + code[0] + code[2:] if code[0] != code[1] else code[:-1] + "*"

    # when
    with django_assert_num_queries(0), pytest.raises(InvalidMemberCode) as error:
        account_by_member_code(channel_id=crm_usd.pk, raw=typo)

    # then
    assert (error.value.code, error.value.field) == (
        LoyaltyErrorCode.INVALID_MEMBER_CODE,
        "memberCode",
    )
