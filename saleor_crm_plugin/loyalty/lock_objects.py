from .models import LoyaltyAccount


def loyalty_account_qs_select_for_update():
    """Accounts locked for update; every ledger write takes this lock first."""
    return LoyaltyAccount.objects.order_by("pk").select_for_update(of=("self",))
