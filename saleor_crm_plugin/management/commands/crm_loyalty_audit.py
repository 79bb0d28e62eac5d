"""``manage.py crm_loyalty_audit``: check every loyalty account against its entries.

Exits with status 1 and lists the accounts whose stored balance or pending points
differ from the sum of their entries, or whose credit batches hold a different number
of points than the balance (see ``loyalty.ledger``). It only reads.
"""

from django.core.management.base import BaseCommand, CommandError

from ...loyalty.ledger import audit_accounts


class Command(BaseCommand):
    help = "Check that every loyalty account's totals equal the sums of its entries."

    def handle(self, *args, **options):
        checked, mismatches = audit_accounts()
        for audit in mismatches:
            self.stdout.write(
                f"account {audit.account_id} (user {audit.user_id}, channel "
                f"{audit.channel_id}): {'; '.join(audit.problems)}"
            )
        if mismatches:
            raise CommandError(
                f"{len(mismatches)} of {checked} loyalty accounts disagree with their entries."
            )
        self.stdout.write(
            self.style.SUCCESS(f"{checked} loyalty accounts checked: all consistent.")
        )
