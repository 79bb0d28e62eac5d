from .models import StorePurchase


def store_purchase_qs_select_for_update():
    return StorePurchase.objects.order_by("pk").select_for_update(of=("self",))
