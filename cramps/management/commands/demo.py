"""`python manage.py demo`: a demo account with 120 days of plausible logs.

Run again, it starts the demo account afresh (its log is deleted and made again from the same
seed, ending today). Sign in as `demo` with the password printed.
"""

import random

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cramps.insights import demo
from cramps.models import ReliefTechnique, User

PASSWORD = "demo-password"  # a public demo account on a local machine
DEMO_EMAIL = "demo@example.com"
LOOPBACK = {"127.0.0.1", "localhost", "[::1]", "::1", "testserver"}


class Command(BaseCommand):
    help = "Create (or re-create) a demo account with 120 days of plausible logs."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=demo.DEMO_DAYS)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--force",
            action="store_true",
            help="make it even where the site answers to public host names",
        )

    def handle(self, *args, days, seed, force=False, **options):
        public = set(settings.ALLOWED_HOSTS) - LOOPBACK
        if public and not settings.DEBUG and not force:
            raise CommandError(
                f"This site answers to {', '.join(sorted(public))}: a demo account with a public "
                "password would be open to anyone. Use --force if that is what you want."
            )
        existing = User.objects.filter(username=demo.DEMO_USERNAME).first()
        if existing is not None and existing.email != DEMO_EMAIL:
            raise CommandError(
                f"'{demo.DEMO_USERNAME}' is someone's own account here: it is left as it is."
            )
        if not ReliefTechnique.objects.exists():
            call_command("loaddata", "techniques", "tips", "red_flags", "foods", verbosity=0)
        with transaction.atomic():
            User.objects.filter(username=demo.DEMO_USERNAME).delete()
            user = User.objects.create_user(
                username=demo.DEMO_USERNAME,
                email=DEMO_EMAIL,
                password=PASSWORD,
                timezone="Europe/London",
                medicines="Atorvastatin 20 mg (statin), since 2024",
            )
            rows = demo.generate(user, random.Random(seed), user.local_today(), days)
        made = ", ".join(f"{n} {kind}" for kind, n in rows.items())
        self.stdout.write(f"Demo account '{demo.DEMO_USERNAME}' ({PASSWORD}): {made}.")
        self.stdout.write("Open /insights/ after signing in.")
