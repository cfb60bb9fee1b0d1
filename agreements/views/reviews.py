"""Recording and reading reviews; the list of reviews that are due."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agreements.enums import AgreementStatus, ReviewOutcome, StepStatus
from agreements.filters import ReviewsDueFilter, StepsDueFilter
from agreements.forms.reviews import ReviewForm
from agreements.models import Agreement, Review, Step
from agreements.services.reminders import DUE_SOON_DAYS, overdue_steps
from agreements.services.reports import member_scopes, pick_scope
from agreements.services.reviews import AlreadyRecorded, goals_for_review, record_review
from agreements.views.helpers import visible_agreement
from people.services import case_holders
from sites.errors import RuleError
from sites.http import page_of
from sites.permissions import is_supervisor


def _sent_before(agreement: Agreement, key: str | None) -> Review | None:
    """The review this form already recorded, if it is sent again (double click, a
    second tab): checked before anything else, as the first post may have completed the
    agreement."""
    try:
        submission_key = uuid.UUID(key or "")
    except ValueError:
        return None
    return agreement.reviews.filter(submission_key=submission_key).first()


def _already_saved(request: HttpRequest, review: Review) -> HttpResponse:
    messages.info(request, _("This review had already been saved; here it is."))
    return redirect(review)


@require_http_methods(["GET", "POST"])
def review_add(request: HttpRequest, agreement_pk: int) -> HttpResponse:
    agreement = visible_agreement(
        request, agreement_pk, related=("migrant", "centre", "counsellor")
    )
    if request.method == "POST" and (
        earlier := _sent_before(agreement, request.POST.get("submission_key"))
    ):
        return _already_saved(request, earlier)
    if agreement.status != AgreementStatus.ACTIVE:
        messages.info(request, _("Only a signed, active agreement can be reviewed."))
        return redirect(agreement)
    goals = list(goals_for_review(agreement))
    labels = dict(ReviewOutcome.choices)
    for goal in goals:
        goal.last_outcome_label = labels.get(goal.last_outcome, "")
    form = ReviewForm(request.POST or None, agreement=agreement, goals=goals)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            review = record_review(
                agreement=agreement,
                user=request.user,
                held_on=data["held_on"],
                outcomes=form.outcomes(),
                step_outcomes=form.step_outcomes(),
                successes=data["successes"],
                hurdles=data["hurdles"],
                hurdle_categories=data["hurdle_categories"],
                changes=data["changes"],
                next_review_on=data["next_review_on"],
                migrant_present=data["migrant_present"],
                counsellor_present=data["counsellor_present"],
                interpreter_present=data["interpreter_present"],
                partner=data["partner"],
                client_rating=data["client_rating"],
                client_most_helpful=data["client_most_helpful"],
                client_wish=data["client_wish"],
                submission_key=data["submission_key"],
                final=data["final"],
            )
        except AlreadyRecorded as done:
            return _already_saved(request, done.review)
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            if review.is_final:
                messages.success(
                    request, _("The final review was saved; the agreement is completed.")
                )
            else:
                messages.success(
                    request,
                    _("The review was saved. The next review is due on %(day)s.")
                    % {"day": review.next_review_on.strftime("%d.%m.%Y")},
                )
            return redirect(review)
    previous = agreement.reviews.order_by("-held_on", "-pk").first()
    return render(
        request,
        "agreements/review_form.html",
        {
            "agreement": agreement,
            "form": form,
            "previous": previous,
            "overdue_days": (timezone.localdate() - agreement.next_review_on).days
            if agreement.next_review_on
            else None,
        },
        status=400 if request.method == "POST" else 200,
    )


def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = get_object_or_404(
        Review.objects.visible_to(request.user).select_related(
            "agreement__migrant", "agreement__counsellor", "partner", "recorded_by"
        ),
        pk=pk,
    )
    outcomes = list(review.outcomes.select_related("goal").order_by("goal__position", "goal__pk"))
    steps_by_goal: dict[int, list] = {}
    for step_outcome in review.step_outcomes.select_related("step").order_by(
        "step__position", "step__pk"
    ):
        steps_by_goal.setdefault(step_outcome.step.goal_id, []).append(step_outcome)
    for outcome in outcomes:
        outcome.step_rows = steps_by_goal.get(outcome.goal_id, [])
    return render(
        request,
        "agreements/review_detail.html",
        {
            "review": review,
            "agreement": review.agreement,
            "outcomes": outcomes,
            "has_step_outcomes": bool(steps_by_goal),
        },
    )


def _due_list_scope(request: HttpRequest):
    """The scope of a due list (default: all the user's centres), the counsellors to filter
    by, and the query data with a counsellor's own name preselected."""
    user = request.user
    scopes = member_scopes(user)
    scope = pick_scope(scopes, request.GET.get("scope")) if request.GET.get("scope") else None
    centre_ids = scope.centre_ids if scope else user.centre_ids()
    data = request.GET.copy()
    if "counsellor" not in data and not is_supervisor(user):
        # A counsellor starts with their own items, as on the caseload list.
        data["counsellor"] = str(user.pk)
    # Whoever holds cases here appears in the filter, also after leaving the centre.
    counsellors = case_holders(centre_ids)
    return scope, centre_ids, data, counsellors


def reviews_due(request: HttpRequest) -> HttpResponse:
    """Reviews overdue or due soon, in the user's centres; the dashboard links here."""
    scope, centre_ids, data, counsellors = _due_list_scope(request)
    visible = Agreement.objects.visible_to(request.user).filter(centre_id__in=centre_ids)
    due_filter = ReviewsDueFilter(
        data,
        queryset=visible.select_related("migrant", "counsellor", "centre"),
        counsellors=counsellors,
    )
    page = page_of(request, due_filter.qs)
    return render(
        request,
        "agreements/review_due_list.html",
        {
            "form": due_filter.form,
            "page": page,
            "scope": scope,
            "today": timezone.localdate(),
            "due_soon_days": DUE_SOON_DAYS,
        },
    )


def steps_due(request: HttpRequest) -> HttpResponse:
    """Steps of active agreements past their due date and not done; the start page shows
    the oldest few and links here."""
    scope, centre_ids, data, counsellors = _due_list_scope(request)
    visible = Agreement.objects.visible_to(request.user).filter(centre_id__in=centre_ids)
    queryset = overdue_steps(
        Step.objects.filter(goal__agreement__in=visible), timezone.localdate()
    ).select_related("goal__agreement__migrant", "goal__agreement__counsellor", "partner")
    steps_filter = StepsDueFilter(
        data, queryset=queryset.order_by("current_due", "pk"), counsellors=counsellors
    )
    page = page_of(request, steps_filter.qs)
    return render(
        request,
        "agreements/review_step_list.html",
        {
            "form": steps_filter.form,
            "page": page,
            "scope": scope,
            "today": timezone.localdate(),
            "step_statuses": StepStatus.choices,
        },
    )
