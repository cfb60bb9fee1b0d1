"""Which live and history rows belong to one person."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from agreements.models import Agreement, Goal, GoalOutcome, Review, Step, StepOutcome
from people.history import historical_model
from people.models import (
    Child,
    Consent,
    CounsellingSession,
    Migrant,
    Qualification,
)

# Stored instead of required free texts (names, goal texts ...). Data, not UI text: it
# reads the same in every language the UI is shown in.
ANONYMISED = "anonymisiert"
PLACEHOLDER_PREFIX = "ANON-"

HISTORY_TYPES = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


# --- which rows belong to one person ---------------------------------------------------


@dataclass(frozen=True)
class PersonRows:
    """Querysets over every live and history row that belongs to one person.

    History rows are found through the history tables themselves, so rows of a goal or a
    session that was deleted since are found too.
    """

    migrant_id: int

    def agreement_ids(self) -> QuerySet:
        return historical_model(Agreement).objects.filter(migrant_id=self.migrant_id).values("id")

    def goal_ids(self) -> QuerySet:
        return (
            historical_model(Goal)
            .objects.filter(agreement_id__in=self.agreement_ids())
            .values("id")
        )

    def review_ids(self) -> QuerySet:
        return (
            historical_model(Review)
            .objects.filter(agreement_id__in=self.agreement_ids())
            .values("id")
        )

    def live(self, model: type[models.Model]) -> QuerySet:
        return model.objects.filter(self._lookup(model, history=False))

    def history(self, model: type[models.Model]) -> QuerySet:
        return historical_model(model).objects.filter(self._lookup(model, history=True))

    def _lookup(self, model: type[models.Model], *, history: bool) -> Q:
        if model is Migrant:
            return Q(id=self.migrant_id) if history else Q(pk=self.migrant_id)
        if model in (Child, Qualification, Consent, CounsellingSession, Agreement):
            return Q(migrant_id=self.migrant_id)
        if model in (Goal, Review):
            return Q(agreement_id__in=self.agreement_ids())
        if model is Step:
            return Q(goal_id__in=self.goal_ids())
        if model in (GoalOutcome, StepOutcome):
            return Q(review_id__in=self.review_ids())
        raise ValueError(f"{model.__name__} does not belong to a person")  # pragma: no cover
