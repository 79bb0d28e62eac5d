"""Statements built once by the ORM and run with each call's own values."""

import pytest
from django.utils import timezone
from saleor.checkout.models import Checkout

from saleor_crm_plugin.kept_sql import STAND_IN_MOMENT, STAND_IN_DAY, keep, stand_in_uuids


def _statement(tokens: int):
    stand_ins = {"tokens": stand_in_uuids(tokens), "now": STAND_IN_MOMENT}
    queryset = (
        Checkout.objects.filter(token__in=stand_ins["tokens"], created_at__lt=stand_ins["now"])
        .order_by("token")
        .values("token", "email")
    )
    return keep(queryset, using="default", stand_ins=stand_ins)


@pytest.mark.django_db
def test_a_kept_statement_answers_as_the_orm_does_with_each_calls_values(
    checkout, checkout_with_item, checkout_JPY
):
    # given: built once for two tokens
    statement = _statement(2)
    wanted = [checkout.token, checkout_JPY.token]

    # when: run twice with different values
    rows = statement.rows("default", tokens=wanted, now=timezone.now())
    none_yet = statement.rows("default", tokens=wanted, now=STAND_IN_MOMENT)

    # then
    expected = list(
        Checkout.objects.filter(token__in=wanted).order_by("token").values("token", "email")
    )
    assert rows == expected
    assert len(rows) == 2
    assert none_yet == []


def test_each_stand_in_must_be_a_parameter_of_its_own():
    # given: a stand-in the query never uses
    queryset = Checkout.objects.filter(token__in=stand_in_uuids(1))

    # when / then
    with pytest.raises(AssertionError, match="today"):
        keep(
            queryset,
            using="default",
            stand_ins={"tokens": stand_in_uuids(1), "today": STAND_IN_DAY},
        )


def test_a_list_stand_in_found_twice_is_refused():
    # given: the same token twice in one query
    tokens = stand_in_uuids(1)
    queryset = Checkout.objects.filter(token__in=tokens).exclude(token__in=tokens)

    # when / then
    with pytest.raises(AssertionError, match="found 2 times"):
        keep(queryset, using="default", stand_ins={"tokens": tokens})
