"""Showing field values and what changed between two versions of a record.

The one helper behind conflict messages ("someone else saved ..."), the version comparison,
a person's history and the readable data export. It sits in the lowest layer so every app
can use it. Pages differ in how they show an empty value (a dash in conflicts and history,
nothing in the comparison), so that is a parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import Field, Model
from django.utils.translation import gettext

DASH = "–"
# Bookkeeping columns that change with every save and mean nothing to the reader.
UNSHOWN_CHANGES = frozenset({"revision", "position"})


def display_value(value: Any, *, choices: Mapping | None = None, empty: str = DASH) -> str:
    """A stored value as a person reads it: choice label, yes/no, German date, text."""
    if value in (None, ""):
        return empty
    if choices is not None:
        return str(choices.get(value, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return str(value)


def display_field(instance: Model, field: Field, *, empty: str = DASH) -> str:
    """The value of one of `instance`'s fields; a relation shows the related object."""
    if field.is_relation:
        return display_value(getattr(instance, field.name), empty=empty)
    choices = dict(field.flatchoices) if field.choices else None
    return display_value(getattr(instance, field.attname), choices=choices, empty=empty)


def changes_since(instance: Model, revision: int) -> list[tuple[str, str, str]]:
    """(label, old, new) for each field changed since `instance`'s history version with
    this revision: what a writer holding that revision has not seen."""
    record = instance.history.filter(revision=revision).order_by("-history_id").first()
    current = instance.history.order_by("-history_id").first()
    if record is None or current is None:
        return []
    fields = {f.name: f for f in instance._meta.concrete_fields}
    old, new = record.instance, current.instance
    result = []
    for change in current.diff_against(record).changes:
        field = fields.get(change.field)
        if field is None or change.field in UNSHOWN_CHANGES:
            continue
        result.append(
            (str(field.verbose_name), display_field(old, field), display_field(new, field))
        )
    return result
