from django.core.management.base import BaseCommand

from organizations.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create (or complete) the demo city, its two counties and the demo accounts. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-accounts", action="store_true", help="Do not print the demo accounts.")

    def handle(self, *args, **options):
        counts = seed_demo()
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {counts['divisions']} divisions, {counts['organizations']} organizations."))
        if not options["quiet_accounts"]:
            self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
            for account in DEMO_ACCOUNTS:
                self.stdout.write(f"  {account.username:<20} {account.description}")
