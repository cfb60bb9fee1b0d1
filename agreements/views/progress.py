"""Recording a step's progress on an active agreement: from the agreement page, the
overdue-steps list, or a page of its own when JavaScript is off."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from agreements.enums import AgreementStatus, StepStatus
from agreements.forms.progress import StepProgressForm
from agreements.models import Agreement, Step
from agreements.services.lifecycle import postponement_limit, record_step_progress
from agreements.terms import STEP_PROGRESS
from sites.errors import ConflictError, RuleError
from sites.http import is_htmx

PARTIALS = {
    "agreement": "agreements/_step_item.html",
    "due-list": "agreements/_step_due_row.html",
    "home": "agreements/_step_home_item.html",
}


def _visible_step(request: HttpRequest, pk: int) -> Step:
    return get_object_or_404(
        Step.objects.filter(
            goal__agreement__in=Agreement.objects.visible_to(request.user)
        ).select_related(
            "goal__agreement__migrant", "goal__agreement__counsellor", "partner", "offer"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def step_progress(request: HttpRequest, pk: int) -> HttpResponse:
    step = _visible_step(request, pk)
    agreement = step.goal.agreement
    if agreement.status != AgreementStatus.ACTIVE:
        messages.info(request, _("Progress is recorded on the active version of an agreement."))
        return redirect(agreement)
    form = StepProgressForm(request.POST or None, step=step)
    error = conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = record_step_progress(user=request.user, step=step, **form.values())
        except ConflictError as refusal:
            conflict = refusal.changes
            # The typed values stay; sent again, they apply to the step as it is now.
            step.refresh_from_db(fields=["revision", *STEP_PROGRESS])
            data = request.POST.copy()
            data["revision"] = str(step.revision)
            form = StepProgressForm(data, step=step)
            form.is_valid()
            error = _(
                "Someone else recorded progress on this step in the meantime. Check what "
                "changed, then record yours again."
            )
        except RuleError as refusal:
            error = str(refusal)
        else:
            return _saved(request, form, saved)
    shown_in = form.data.get("shown_in") if form.is_bound else ""
    status = 200 if request.method == "GET" else (409 if conflict else 400)
    context = {
        "step": step,
        "agreement": agreement,
        "form": form,
        "error": error,
        "conflict": conflict,
        "limit": postponement_limit(agreement),
        "step_statuses": StepStatus.choices,
        "shown_in": shown_in or "agreement",
        "open_form": True,
    }
    if is_htmx(request) and shown_in in PARTIALS:
        return render(request, PARTIALS[shown_in], context, status=status)
    return render(request, "agreements/step_progress.html", context, status=status)


def _saved(request: HttpRequest, form: StepProgressForm, step: Step) -> HttpResponse:
    shown_in = form.cleaned_data.get("shown_in") or "agreement"
    if is_htmx(request):
        step.goal = form.step.goal  # the page's objects, no query for what the row shows
        step.partner, step.offer = form.step.partner, form.step.offer
        context = {
            "step": step,
            "agreement": step.goal.agreement,
            "saved": True,
            "limit": postponement_limit(step.goal.agreement),
            "step_statuses": StepStatus.choices,
            "shown_in": shown_in,
        }
        return render(request, PARTIALS[shown_in], context)
    messages.success(
        request,
        _("Progress recorded: “%(step)s” is now “%(status)s”.")
        % {"step": step.description[:80], "status": step.get_status_display()},
    )
    if shown_in == "due-list":
        return redirect("agreements:steps-due")
    if shown_in == "home":
        return redirect("home")
    return redirect(step.get_absolute_url())
