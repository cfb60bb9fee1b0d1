"""The error vocabulary of every service: a refused rule and a lost race. Both carry a
message for the user; views turn them into 400 and 409."""

from django.utils.translation import gettext_lazy as _


class ConflictError(Exception):
    """Someone saved the same record after this form was loaded; nothing was written."""

    def __init__(self, changes: list[tuple[str, str, str]]):
        self.changes = changes  # (field label, value in the form's version, value now)
        super().__init__(_("This record was changed by someone else in the meantime."))


class RuleError(Exception):
    """A business rule refused the change; the message is for the user."""
