"""Django's flush, with the database guard over agreement terms unlocked while it runs.

On SQLite a flush is one DELETE per table in no fixed order, and the guard's row triggers
refuse deleting the goals of a signed version while that version still exists (PostgreSQL
truncates, which fires no row triggers). Emptying the whole database is not an edit of a
signed agreement. TransactionTestCase and live-server tests flush after each test.
"""

from django.core.management.commands import flush

from agreements.guard import terms_unlocked


class Command(flush.Command):
    def handle(self, **options):
        with terms_unlocked(using=options["database"]):
            return super().handle(**options)
