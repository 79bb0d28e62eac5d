"""``manage.py crm_loyalty_audit``: check every loyalty account against its entries,
and every redemption's points against what its gift card paid.

Exits with status 1 and lists the accounts whose stored balance or pending points
differ from the sum of their entries, or whose credit batches hold a different number
of points than their entries and allocations explain (see ``loyalty.audit``), and the settled redemptions whose
points spent differ from what Saleor took from their gift card (see
``loyalty.audit``). It only reads.
"""

from django.core.management.base import BaseCommand, CommandError

from ...loyalty.audit import ledger_audit, redemption_audit


class Command(BaseCommand):
    help = (
        "Check that every loyalty account's totals equal the sums of its entries and "
        "that every redemption spent the points its gift card paid."
    )

    def handle(self, *args, **options):
        checked, mismatches = ledger_audit()
        redemptions_checked, redemption_mismatches = redemption_audit()
        for audit in mismatches:
            self.stdout.write(
                f"account {audit.account_id} (user {audit.user_id}, channel "
                f"{audit.channel_id}): {'; '.join(audit.problems)}"
            )
        for mismatch in redemption_mismatches:
            self.stdout.write(mismatch.problem)
        failures = []
        if mismatches:
            failures.append(
                f"{len(mismatches)} of {checked} loyalty accounts disagree with their entries"
            )
        if redemption_mismatches:
            failures.append(
                f"{len(redemption_mismatches)} of {redemptions_checked} redemptions "
                "spent other points than their gift card paid"
            )
        if failures:
            raise CommandError("; ".join(failures) + ".")
        self.stdout.write(
            self.style.SUCCESS(f"{checked} loyalty accounts checked: all consistent.")
        )
