from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agreements.content import commitments
from agreements.enums import AgreementStatus, StepStatus
from agreements.filters import AgreementFilter
from agreements.forms.drafting import (
    AgreementForm,
    CatalogueGoalForm,
    GoalForm,
    StepForm,
)
from agreements.models import Agreement, Goal, Step
from agreements.services.common import editing_refusal
from agreements.services.drafting import (
    ConsentMissing,
    add_goal,
    add_goal_from_catalogue,
    add_step,
    create_agreement,
    delete_goal,
    delete_step,
    move_goal,
    move_step,
    update_agreement,
    update_goal,
    update_step,
)
from agreements.services.lifecycle import postponement_limit
from agreements.versions import series
from agreements.views.helpers import visible_agreement
from people.views.helpers import visible_migrant
from sites.enums import Area
from sites.errors import ConflictError, RuleError
from sites.http import form_status, is_htmx, page_of

MOVES = ("up", "down")


def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = (
        Agreement.objects.visible_to(request.user)
        .current()
        .select_related("migrant", "counsellor")
        .order_by("-created_at", "-pk")
    )
    agreement_filter = AgreementFilter(request.GET, queryset=agreements, request=request)
    page = page_of(request, agreement_filter.qs)
    status = agreement_filter.form.cleaned_data.get("status", "")
    return render(
        request,
        "agreements/agreement_list.html",
        {"page": page, "statuses": AgreementStatus.choices, "status": status},
    )


def _goals(
    agreement: Agreement, step_related: tuple[str, ...] = ("partner", "offer", "consent")
) -> list[Goal]:
    return list(
        agreement.goals.prefetch_related(
            Prefetch("steps", queryset=Step.objects.select_related(*step_related))
        )
    )


def _grouped(goals: list[Goal]) -> list[tuple[str, list[Goal]]]:
    labels = dict(Area.choices)
    groups: dict[str, list[Goal]] = {}
    for goal in goals:
        groups.setdefault(goal.area, []).append(goal)
    return [(labels[area], groups[area]) for area in Area.values if area in groups]


@require_POST
def agreement_create(request: HttpRequest, migrant_pk: int) -> HttpResponse:
    migrant = visible_migrant(request, migrant_pk, related=())
    try:
        agreement = create_agreement(user=request.user, migrant=migrant)
    except RuleError as error:
        messages.error(request, str(error))
        return redirect(migrant)
    messages.success(request, _("The draft agreement was created from the person's record."))
    return redirect("agreements:edit", agreement.pk)


def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The page names the person and the counsellor only: joining the centre, its
    # municipality and the predecessor added 60 columns to compile and load on every view.
    # Likewise the steps' consents and the versions' counsellors, which it does not show.
    agreement = visible_agreement(request, pk, related=("migrant", "counsellor", "signed_document"))
    goals = _goals(agreement, step_related=("partner", "offer"))
    steps = [step for goal in goals for step in goal.steps.all()]
    return render(
        request,
        "agreements/agreement_detail.html",
        {
            "agreement": agreement,
            "groups": _grouped(goals),
            "commitments": commitments(agreement, steps),
            "versions": series(agreement, with_counsellors=False),
            "successor": Agreement.objects.visible_to(request.user)
            .filter(predecessor=agreement)
            .first(),
            "reviews": agreement.reviews.order_by("-held_on")[:5],
            "step_statuses": StepStatus.choices,
            "limit": postponement_limit(agreement),
        },
    )


def _edit_context(agreement: Agreement, **extra) -> dict:
    goals = _goals(agreement)
    for goal in goals:
        goal.step_form = StepForm(agreement=agreement, prefix=f"new-step-{goal.pk}")
    return {
        "agreement": agreement,
        # Prepared: the page shows the frozen version without its edit controls.
        "locked": agreement.is_prepared,
        "groups": _grouped(goals),
        "goal_form": GoalForm(prefix="new-goal"),
        "catalogue_form": CatalogueGoalForm(prefix="catalogue"),
        **extra,
    }


def _terms_locked(request: HttpRequest, agreement: Agreement) -> HttpResponse:
    """A signed version's goals and steps are what both sides signed: the answer to an
    attempt to change them says why and offers the amendment and the progress instead."""
    successor = Agreement.objects.visible_to(request.user).filter(predecessor=agreement).first()
    return render(
        request,
        "agreements/terms_locked.html",
        {
            "agreement": agreement,
            "refusal": editing_refusal(agreement),
            "successor": successor,
            "can_amend": agreement.status == AgreementStatus.ACTIVE and successor is None,
        },
        status=400,
    )


def _goals_response(request: HttpRequest, agreement: Agreement, status: int = 200, **extra):
    agreement.refresh_from_db()
    if agreement.status != AgreementStatus.DRAFT:
        return _terms_locked(request, agreement)
    if is_htmx(request):
        return render(
            request,
            "agreements/agreement_edit.html#goals",
            _edit_context(agreement, **extra),
            status=status,
        )
    for message in extra.get("errors", []):
        messages.error(request, message)
    return redirect(reverse("agreements:edit", args=[agreement.pk]) + "#goals")


@require_http_methods(["GET", "POST"])
def agreement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk)
    if agreement.status != AgreementStatus.DRAFT:
        messages.info(request, _("This version is signed and cannot be changed. Amend it."))
        return redirect(agreement)
    form = AgreementForm(request.POST or None, instance=agreement)
    if agreement.is_prepared:
        for field in form.fields.values():
            field.disabled = True
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            update_agreement(
                user=request.user,
                agreement=agreement,
                values=form.values(),
                expected_revision=form.cleaned_data["revision"],
            )
        except ConflictError as error:
            conflict = error.changes
            messages.error(
                request,
                _(
                    "Someone else changed this agreement after you opened it. Nothing was "
                    "saved; the changes are shown below."
                ),
            )
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The starting situation was saved."))
            return redirect("agreements:edit", agreement.pk)
    return render(
        request,
        "agreements/agreement_edit.html",
        _edit_context(agreement, form=form, conflict=conflict),
        status=form_status(form, conflict=conflict),
    )


def _draft_goal(request: HttpRequest, pk: int) -> Goal:
    return get_object_or_404(
        Goal.objects.filter(
            agreement__in=Agreement.objects.visible_to(request.user)
        ).select_related("agreement__centre", "agreement__migrant", "agreement__signed_document"),
        pk=pk,
    )


def _draft_step(request: HttpRequest, pk: int) -> Step:
    return get_object_or_404(
        Step.objects.filter(
            goal__agreement__in=Agreement.objects.visible_to(request.user)
        ).select_related(
            "goal__agreement__centre",
            "goal__agreement__migrant",
            "goal__agreement__signed_document",
        ),
        pk=pk,
    )


@require_POST
def goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk)
    errors: list[str] = []
    if "catalogue-template" in request.POST:
        catalogue = CatalogueGoalForm(request.POST, prefix="catalogue")
        if catalogue.is_valid():
            try:
                add_goal_from_catalogue(
                    user=request.user,
                    agreement=agreement,
                    template=catalogue.cleaned_data["template"],
                )
            except RuleError as error:
                errors.append(str(error))
        else:
            errors.append(_("Please choose a goal from the catalogue."))
        return _goals_response(request, agreement, status=400 if errors else 200, errors=errors)
    form = GoalForm(request.POST, prefix="new-goal")
    if form.is_valid():
        try:
            add_goal(user=request.user, agreement=agreement, **form.values())
        except RuleError as error:
            errors.append(str(error))
        return _goals_response(request, agreement, status=400 if errors else 200, errors=errors)
    if is_htmx(request):
        context = _edit_context(agreement)
        context["goal_form"] = form
        return render(request, "agreements/agreement_edit.html#goals", context, status=400)
    messages.error(request, _("The goal was not added: please fill in the area and the goal."))
    return redirect(reverse("agreements:edit", args=[agreement.pk]) + "#goals")


@require_http_methods(["GET", "POST"])
def goal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _draft_goal(request, pk)
    agreement = goal.agreement
    if agreement.status != AgreementStatus.DRAFT:
        return _terms_locked(request, agreement)
    if request.method == "GET" and (refusal := editing_refusal(agreement)):
        return _goals_response(request, agreement, status=400, errors=[str(refusal)])
    form = GoalForm(request.POST or None, instance=goal)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            update_goal(
                user=request.user,
                goal=goal,
                values=form.values(),
                expected_revision=form.cleaned_data["revision"],
            )
        except ConflictError as error:
            conflict = error.changes
        except RuleError as error:
            return _goals_response(request, agreement, status=400, errors=[str(error)])
        else:
            return _goals_response(request, agreement)
    template = "agreements/goal_form.html#form" if is_htmx(request) else "agreements/goal_form.html"
    status = form_status(form, conflict=conflict)
    return render(
        request,
        template,
        {"form": form, "goal": goal, "agreement": agreement, "conflict": conflict},
        status=status,
    )


@require_POST
def goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _draft_goal(request, pk)
    try:
        delete_goal(user=request.user, goal=goal)
    except RuleError as error:
        return _goals_response(request, goal.agreement, status=400, errors=[str(error)])
    return _goals_response(request, goal.agreement)


@require_POST
def goal_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    goal = _draft_goal(request, pk)
    if direction not in MOVES:
        raise Http404
    try:
        move_goal(user=request.user, goal=goal, direction=direction)
    except RuleError as error:
        return _goals_response(request, goal.agreement, status=400, errors=[str(error)])
    return _goals_response(request, goal.agreement)


def _consent_hint(agreement: Agreement, error: ConsentMissing) -> dict:
    url = reverse("integration:consent-add", args=[agreement.migrant_id])
    back = reverse("agreements:edit", args=[agreement.pk])
    return {"consent_url": f"{url}?partner={error.partner.pk}&next={back}"}


@require_POST
def step_add(request: HttpRequest, pk: int) -> HttpResponse:
    goal = _draft_goal(request, pk)
    agreement = goal.agreement
    form = StepForm(request.POST, agreement=agreement, prefix=f"new-step-{goal.pk}")
    errors, extra = [], {}
    if form.is_valid():
        try:
            add_step(user=request.user, goal=goal, values=form.values())
        except ConsentMissing as error:
            errors.append(str(error))
            extra = _consent_hint(agreement, error)
        except RuleError as error:
            errors.append(str(error))
    else:
        errors.append(_("The step was not added: please describe what is to be done."))
    if is_htmx(request) and errors:
        context = _edit_context(agreement, errors=errors, error_goal=goal.pk, **extra)
        for item in [g for _area, goals in context["groups"] for g in goals]:
            if item.pk == goal.pk:
                item.step_form = form
        return render(request, "agreements/agreement_edit.html#goals", context, status=400)
    if extra.get("consent_url") and not is_htmx(request):
        messages.error(request, errors[0])
        return redirect(extra["consent_url"])
    return _goals_response(request, agreement, status=400 if errors else 200, errors=errors)


@require_http_methods(["GET", "POST"])
def step_edit(request: HttpRequest, pk: int) -> HttpResponse:
    step = _draft_step(request, pk)
    agreement = step.goal.agreement
    if agreement.status != AgreementStatus.DRAFT:
        return _terms_locked(request, agreement)
    if request.method == "GET" and (refusal := editing_refusal(agreement)):
        return _goals_response(request, agreement, status=400, errors=[str(refusal)])
    form = StepForm(request.POST or None, instance=step, agreement=agreement)
    conflict, extra = None, {}
    if request.method == "POST" and form.is_valid():
        try:
            update_step(
                user=request.user,
                step=step,
                values=form.values(),
                expected_revision=form.cleaned_data["revision"],
            )
        except ConflictError as error:
            conflict = error.changes
        except ConsentMissing as error:
            form.add_error("partner", str(error))
            extra = _consent_hint(agreement, error)
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            return _goals_response(request, agreement)
    template = "agreements/step_form.html#form" if is_htmx(request) else "agreements/step_form.html"
    status = form_status(form, conflict=conflict)
    return render(
        request,
        template,
        {"form": form, "step": step, "agreement": agreement, "conflict": conflict, **extra},
        status=status,
    )


@require_POST
def step_delete(request: HttpRequest, pk: int) -> HttpResponse:
    step = _draft_step(request, pk)
    try:
        delete_step(user=request.user, step=step)
    except RuleError as error:
        return _goals_response(request, step.goal.agreement, status=400, errors=[str(error)])
    return _goals_response(request, step.goal.agreement)


@require_POST
def step_move(request: HttpRequest, pk: int, direction: str) -> HttpResponse:
    step = _draft_step(request, pk)
    if direction not in MOVES:
        raise Http404
    try:
        move_step(user=request.user, step=step, direction=direction)
    except RuleError as error:
        return _goals_response(request, step.goal.agreement, status=400, errors=[str(error)])
    return _goals_response(request, step.goal.agreement)
