from django.db import connection

from .models import LoyaltyAccount


def loyalty_account_qs_select_for_update():
    """Accounts locked for update; every ledger write takes this lock first."""
    return LoyaltyAccount.objects.order_by("pk").select_for_update(of=("self",))


def loyalty_account_lock(*, account_id: int) -> tuple[int, int] | None:
    """Lock one account (as ``loyalty_account_qs_select_for_update``), in one statement.

    Returns its (balance, pending), or ``None`` if there is no such account. Must be in
    a transaction; the ledger's hot path, so no model instance is built.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT balance, pending FROM {LoyaltyAccount._meta.db_table} "
            "WHERE id = %s FOR UPDATE",
            [account_id],
        )
        return cursor.fetchone()
