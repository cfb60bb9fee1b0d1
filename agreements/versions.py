"""Versions of an agreement and their comparison (read-only)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from agreements.models import Agreement, Goal, Step
from agreements.terms import AGREEMENT_TERMS, GOAL_PROGRESS, GOAL_TERMS, STEP_PROGRESS, STEP_TERMS
from sites.changes import display_field

# The comparison shows the terms apart from how far goals and steps have come: a changed
# term was signed again, progress was not.
AGREEMENT_FIELDS = list(AGREEMENT_TERMS)


def series(agreement: Agreement, with_counsellors: bool = True):
    """Every version with the same agreement number, oldest first."""
    versions = Agreement.objects.filter(
        number=agreement.number, migrant_id=agreement.migrant_id
    ).order_by("version")
    return versions.select_related("counsellor") if with_counsellors else versions


def with_goals(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "goals",
            queryset=Goal.objects.prefetch_related(
                Prefetch("steps", queryset=Step.objects.select_related("partner", "offer"))
            ),
        )
    )


@dataclass
class FieldDiff:
    label: str
    old: str
    new: str


@dataclass
class ItemDiff:
    state: str  # "added", "removed", "changed" (terms), "progress" (only progress), "same"
    old: object | None
    new: object | None
    fields: list[FieldDiff] = field(default_factory=list)  # changed terms
    progress: list[FieldDiff] = field(default_factory=list)
    steps: list[ItemDiff] = field(default_factory=list)

    @property
    def label(self) -> str:
        item = self.new or self.old
        return getattr(item, "text", None) or getattr(item, "description", "")


def _field_diffs(old, new, names: list[str]) -> list[FieldDiff]:
    diffs = []
    for name in names:
        model_field = old._meta.get_field(name)
        before = display_field(old, model_field, empty="")
        after = display_field(new, model_field, empty="")
        if before != after:
            label = str(model_field.verbose_name)
            diffs.append(FieldDiff(label, before, after))
    return diffs


def _match(olds, news, terms, progress, children=None) -> list[ItemDiff]:
    old_by_key = {item.key: item for item in olds}
    new_by_key = {item.key: item for item in news}
    result = []
    for item in news:
        before = old_by_key.get(item.key)
        if before is None:
            diff = ItemDiff("added", None, item)
            if children:
                diff.steps = [ItemDiff("added", None, s) for s in children(item)]
            result.append(diff)
            continue
        diff = ItemDiff(
            "same",
            before,
            item,
            fields=_field_diffs(before, item, terms),
            progress=_field_diffs(before, item, progress),
        )
        if children:
            diff.steps = _match(children(before), children(item), STEP_TERMS, STEP_PROGRESS)
        if diff.fields or any(s.state in ("added", "removed", "changed") for s in diff.steps):
            diff.state = "changed"
        elif diff.progress or any(s.state == "progress" for s in diff.steps):
            diff.state = "progress"
        result.append(diff)
    for item in olds:
        if item.key not in new_by_key:
            diff = ItemDiff("removed", item, None)
            if children:
                diff.steps = [ItemDiff("removed", s, None) for s in children(item)]
            result.append(diff)
    return result


def compare(old: Agreement, new: Agreement) -> dict:
    """Side-by-side differences of two versions: the agreement's fields, goals and steps."""
    return {
        "fields": _field_diffs(old, new, AGREEMENT_FIELDS),
        "goals": _match(
            list(old.goals.all()),
            list(new.goals.all()),
            GOAL_TERMS,
            GOAL_PROGRESS,
            children=lambda goal: list(goal.steps.all()),
        ),
    }
