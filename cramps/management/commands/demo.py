"""`python manage.py demo`: a demo account with 120 days of plausible logs.

Run again, it starts the demo account afresh (its log is deleted and made again from the same
seed, ending today). Sign in as `demo` with the password printed.
"""

import random

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from cramps.insights import demo
from cramps.models import ReliefTechnique, User

PASSWORD = "demo-password"  # a public demo account on a local machine


class Command(BaseCommand):
    help = "Create (or re-create) a demo account with 120 days of plausible logs."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=demo.DEMO_DAYS)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, days, seed, **options):
        if not ReliefTechnique.objects.exists():
            call_command("loaddata", "techniques", "tips", "red_flags", "foods", verbosity=0)
        with transaction.atomic():
            User.objects.filter(username=demo.DEMO_USERNAME).delete()
            user = User.objects.create_user(
                username=demo.DEMO_USERNAME,
                email="demo@example.com",
                password=PASSWORD,
                timezone="Europe/London",
                medicines="Atorvastatin 20 mg (statin), since 2024",
            )
            rows = demo.generate(user, random.Random(seed), user.local_today(), days)
        made = ", ".join(f"{n} {kind}" for kind, n in rows.items())
        self.stdout.write(f"Demo account '{demo.DEMO_USERNAME}' ({PASSWORD}): {made}.")
        self.stdout.write("Open /insights/ after signing in.")
