from django.db import models
from django.utils.translation import gettext_lazy as _


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    ACTIVE = "active", _("signed (active)")
    SUPERSEDED = "superseded", _("superseded by an amendment")
    COMPLETED = "completed", _("completed")
    ENDED_EARLY = "ended_early", _("ended early")


class GoalStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    ACHIEVED = "achieved", _("achieved")
    PARTLY_ACHIEVED = "partly", _("partly achieved")
    NOT_ACHIEVED = "not_achieved", _("not achieved")
    DROPPED = "dropped", _("dropped")


class Priority(models.IntegerChoices):
    HIGH = 1, _("high")
    MEDIUM = 2, _("medium")
    LOW = 3, _("low")


class Responsible(models.TextChoices):
    MIGRANT = "migrant", _("the client")
    COUNSELLOR = "counsellor", _("the counselling centre")
    PARTNER = "partner", _("a cooperation partner")


class StepStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in progress")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")
    POSTPONED = "postponed", _("postponed")


# A step still to be done (a postponed one by its new date); done and cancelled are closed.
STEP_STATUSES_TO_DO = frozenset({StepStatus.OPEN, StepStatus.IN_PROGRESS, StepStatus.POSTPONED})
STEP_STATUSES_CLOSED = frozenset(StepStatus) - STEP_STATUSES_TO_DO


class ReviewOutcome(models.TextChoices):
    ACHIEVED = "achieved", _("achieved")
    PARTLY_ACHIEVED = "partly", _("partly achieved")
    IN_PROGRESS = "in_progress", _("in progress")
    NOT_ACHIEVED = "not_achieved", _("not achieved")
    DROPPED = "dropped", _("dropped")


class ClientRating(models.IntegerChoices):
    """The client's answer to "Does the agreement help you?" at a review."""

    NOT_AT_ALL = 1, _("not at all")
    LITTLE = 2, _("a little")
    SOMEWHAT = 3, _("somewhat")
    MUCH = 4, _("much")
    VERY_MUCH = 5, _("very much")


class HurdleCategory(models.TextChoices):
    COURSE_WAITING_LIST = "course_waiting", _("waiting list for a course")
    NO_CHILDCARE = "no_childcare", _("no childcare place")
    RECOGNITION_PENDING = "recognition_pending", _("recognition pending")
    HEALTH = "health", _("health")
    RESIDENCE_LAW = "residence_law", _("residence-law problem")
    MONEY = "money", _("money")
    HOUSING = "housing", _("housing")
    MOTIVATION = "motivation", _("motivation")
    OTHER = "other", _("other")


class DigestKind(models.TextChoices):
    REMINDER = "reminder", _("reminder to the counsellor")
    ESCALATION = "escalation", _("escalation to the supervisor")
