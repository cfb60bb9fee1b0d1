"""The agreements app's models, one module per part of the lifecycle."""

from agreements.models.agreements import OPEN_STATUSES, Agreement, AgreementQuerySet, Goal, Step
from agreements.models.catalogue import GoalTemplate, StepTemplate
from agreements.models.documents import SignedDocument, VerificationLookup
from agreements.models.reviews import (
    EvaluationFigures,
    GoalOutcome,
    ReminderDigest,
    Review,
    ReviewQuerySet,
    StepOutcome,
)

__all__ = [
    "OPEN_STATUSES",
    "Agreement",
    "AgreementQuerySet",
    "EvaluationFigures",
    "Goal",
    "GoalOutcome",
    "GoalTemplate",
    "ReminderDigest",
    "Review",
    "ReviewQuerySet",
    "SignedDocument",
    "Step",
    "StepOutcome",
    "StepTemplate",
    "VerificationLookup",
]
