"""The plausible range of every date entered about a person, one table for the forms (which
show the message at the field) and the services (which refuse the same values from any
caller). A date outside it is a typing slip (1000-01-01, 20026) that would otherwise
distort deadlines, retention and the evaluation for years."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sites.errors import RuleError

# Nobody counselled today was born before, nor arrived or got a title before.
EARLIEST_LIFE_DATE = datetime.date(1900, 1, 1)
# Case work (intake, sessions, consents, closing): no centre kept these records earlier.
EARLIEST_CASE_DATE = datetime.date(2000, 1, 1)


def _today() -> datetime.date:
    return timezone.localdate()


def _on(day: datetime.date) -> Callable[[], datetime.date]:
    return lambda: day


def _ahead(days: int) -> Callable[[], datetime.date]:
    return lambda: _today() + datetime.timedelta(days=days)


@dataclass(frozen=True)
class Bound:
    earliest: Callable[[], datetime.date]
    latest: Callable[[], datetime.date]
    too_early: Promise
    too_late: Promise


BOUNDS: dict[str, Bound] = {
    "date_of_birth": Bound(
        _on(EARLIEST_LIFE_DATE),
        _today,
        _("Please check the date of birth."),
        _("The date of birth cannot be in the future."),
    ),
    "arrival_on": Bound(
        _on(EARLIEST_LIFE_DATE),
        _today,
        _("Please check the date of arrival."),
        _("The arrival date cannot be in the future."),
    ),
    "residence_issued_on": Bound(
        _on(EARLIEST_LIFE_DATE),
        _today,
        _("Please check the date the residence title was issued."),
        _("The residence title cannot be issued in the future."),
    ),
    # Titles run for at most a few years; a settlement permit has no end date at all.
    "residence_valid_until": Bound(
        _on(EARLIEST_LIFE_DATE),
        _ahead(365 * 30),
        _("Please check the date the residence title is valid until."),
        _("Please check the date the residence title is valid until."),
    ),
    # One day ahead: a case recorded late in the evening for the next morning's intake.
    "intake_on": Bound(
        _on(EARLIEST_CASE_DATE),
        _ahead(1),
        _("Please check the intake date."),
        _("The intake date cannot be in the future."),
    ),
    "held_on": Bound(
        _on(EARLIEST_CASE_DATE),
        _ahead(365),
        _("Please check the date."),
        _("A session cannot be more than one year in the future."),
    ),
    "next_appointment": Bound(
        _on(EARLIEST_CASE_DATE),
        _ahead(365 * 2),
        _("Please check the date of the next appointment."),
        _("The next appointment cannot be more than two years ahead."),
    ),
    "given_on": Bound(
        _on(EARLIEST_CASE_DATE),
        _today,
        _("Please check the date of the consent."),
        _("A consent cannot be given in the future."),
    ),
    "withdrawn_on": Bound(
        _on(EARLIEST_CASE_DATE),
        _today,
        _("Please check the date of the withdrawal."),
        _("A withdrawal cannot be dated in the future."),
    ),
    "closed_on": Bound(
        _on(EARLIEST_CASE_DATE),
        _today,
        _("Please check the date the case was closed."),
        _("A case cannot be closed in the future."),
    ),
}


def _day(value: datetime.date | datetime.datetime) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def date_error(name: str, value: datetime.date | datetime.datetime | None) -> str | None:
    """The message for `value` of the date field `name` if it lies outside its range."""
    bound = BOUNDS.get(name)
    if bound is None or value is None:
        return None
    day = _day(value)
    if day < bound.earliest():
        return str(bound.too_early)
    if day > bound.latest():
        return str(bound.too_late)
    return None


def check_dates(values: Mapping[str, Any]) -> None:
    """Refuse the first date among `values` outside its range (for the services)."""
    for name, value in values.items():
        if message := date_error(name, value):
            raise RuleError(message)


def add_date_errors(form) -> None:
    """Mark every date field of a form whose cleaned value lies outside its range."""
    for name in form.fields:
        if name in form.cleaned_data and (message := date_error(name, form.cleaned_data[name])):
            form.add_error(name, message)
