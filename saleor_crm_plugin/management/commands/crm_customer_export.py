"""``manage.py crm_customer_export <e-mail or id> [--output FILE]``: a customer's CRM data.

Writes the export document (``privacy.export``, docs/privacy.md) of one customer,
named by account e-mail or id, to ``--output`` (standard output without it). It only
reads.
"""

from django.core.management.base import BaseCommand, CommandError
from saleor.account.models import User

from ...privacy.export import customer_data_export_json


class Command(BaseCommand):
    help = "Write one customer's CRM data as a JSON document (docs/privacy.md)."

    def add_arguments(self, parser):
        parser.add_argument("customer", help="The customer's account e-mail or id.")
        parser.add_argument("--output", help="The file to write (default: standard output).")

    def handle(self, *args, customer: str, output: str | None = None, **options):
        lookup = {"pk": int(customer)} if customer.isdigit() else {"email__iexact": customer}
        user = User.objects.filter(**lookup).first()
        if user is None:
            raise CommandError(f"No customer {customer!r}.")
        text = customer_data_export_json(user=user)
        if output:
            with open(output, "w", encoding="utf-8") as file:
                file.write(text + "\n")
            self.stdout.write(f"Wrote the CRM data of customer {user.pk} to {output}.")
        else:
            self.stdout.write(text)
