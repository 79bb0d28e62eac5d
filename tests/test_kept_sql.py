"""Statements built once by the ORM and run with each call's own values, prepared once
per database connection."""

import pytest
from django.db import ProgrammingError, connection, transaction
from django.utils import timezone
from saleor.checkout.models import Checkout

from saleor_crm_plugin.kept_sql import STAND_IN_MOMENT, STAND_IN_DAY, keep, stand_in_uuids
from tests.fixtures.perf import queries_counted


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


def _prepared_names() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        return {name for (name,) in cursor.fetchall()}


def _expected(tokens):
    return list(
        Checkout.objects.filter(token__in=tokens).order_by("token").values("token", "email")
    )


@pytest.mark.django_db
def test_a_kept_statement_is_prepared_once_per_connection_then_executed_by_name(
    checkout, checkout_JPY
):
    # given
    statement = _statement(1)
    before = _prepared_names()

    # when: two calls with different values
    with queries_counted() as first:
        first_rows = statement.rows("default", tokens=[checkout.token], now=timezone.now())
    with queries_counted() as second:
        second_rows = statement.rows("default", tokens=[checkout_JPY.token], now=timezone.now())

    # then: one query each; the first prepares (in the same round trip), the second
    # sends only the name and the values
    assert first_rows == _expected([checkout.token])
    assert second_rows == _expected([checkout_JPY.token])
    assert len(first) == 1
    assert len(second) == 1
    (name,) = _prepared_names() - before
    assert first.sql[0].startswith(f"PREPARE {name} AS SELECT")
    assert second.sql[0].startswith(f"EXECUTE {name}(")
    assert checkout_JPY.token.hex in second.sql[0]


@pytest.mark.django_db
def test_with_prepared_statements_off_the_statement_is_sent_whole(checkout, settings):
    # given: a pooler in transaction mode keeps no session state
    settings.CRM_PREPARED_STATEMENTS = False
    statement = _statement(1)
    before = _prepared_names()

    # when
    with queries_counted() as queries:
        rows = statement.rows("default", tokens=[checkout.token], now=timezone.now())

    # then
    assert rows == _expected([checkout.token])
    assert len(queries) == 1
    assert queries.sql[0].startswith("SELECT")
    assert _prepared_names() == before


@pytest.fixture
def dropped_statement(checkout):
    """A kept statement prepared on the connection, then dropped behind Django's back
    (as a pooler's reset does)."""
    statement = _statement(1)
    statement.rows("default", tokens=[checkout.token], now=timezone.now())
    with connection.cursor() as cursor:
        cursor.execute("DEALLOCATE ALL")
    return statement


@pytest.mark.django_db(transaction=True)
def test_a_prepared_statement_dropped_outside_django_is_prepared_again(checkout, dropped_statement):
    # when: outside a transaction
    rows = dropped_statement.rows("default", tokens=[checkout.token], now=timezone.now())

    # then: prepared again and answered
    assert rows == _expected([checkout.token])
    assert len(_prepared_names()) == 1


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_a_dropped_statement_fails_that_transaction_only(
    checkout, dropped_statement
):
    statement = dropped_statement

    # when: inside a transaction the error stands (the transaction is already lost)
    with pytest.raises(ProgrammingError, match="does not exist"):
        with transaction.atomic():
            statement.rows("default", tokens=[checkout.token], now=timezone.now())

    # then: the next transaction prepares it again
    with transaction.atomic():
        rows = statement.rows("default", tokens=[checkout.token], now=timezone.now())
    assert rows == _expected([checkout.token])
