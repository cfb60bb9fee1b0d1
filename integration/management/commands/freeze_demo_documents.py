"""Freeze the PDF of every signed version in the demo logins' centres that has none yet.

`seed_demo` freezes the tour's and the newest ones and stays within seconds; rendering all
of the two centres' signed versions takes about a minute (0.4 s each), so `make run`
starts this command in the background beside the server. A version opened before it got
to it is frozen on that first request instead; both ways store the same document once.
"""

import time

from django.core.management.base import BaseCommand

from integration.datagen.demo import freeze_demo_documents


class Command(BaseCommand):
    help = "Freeze the PDFs of the demo logins' centres' signed versions (idempotent)."

    def handle(self, *args, **options):
        started = time.monotonic()
        frozen = freeze_demo_documents(limit=None)
        self.stdout.write(
            f"Froze {frozen} signed demo versions in {time.monotonic() - started:.1f} s."
        )
