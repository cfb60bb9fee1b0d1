"""An agreement past its draft: amending, ending early, discarding a draft, and its versions
(history and comparison)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from agreements.forms.drafting import (
    AmendForm,
    EndForm,
)
from agreements.models import Agreement, Goal, Step
from agreements.services.lifecycle import amend_agreement, discard_draft, end_agreement_early
from agreements.versions import compare, series, with_goals
from agreements.views.helpers import visible_agreement
from sites.errors import RuleError
from sites.http import form_status


@require_http_methods(["GET", "POST"])
def agreement_amend(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk)
    form = AmendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = amend_agreement(
                user=request.user, agreement=agreement, reason=form.cleaned_data["reason"]
            )
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Version %(version)s was created as a draft. Sign it to make it binding.")
                % {"version": draft.version},
            )
            return redirect("agreements:edit", draft.pk)
    return render(
        request,
        "agreements/agreement_action.html",
        {
            "agreement": agreement,
            "form": form,
            "title": _("Amend the agreement"),
            "submit": _("Create the next version"),
        },
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def agreement_end(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk)
    form = EndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            end_agreement_early(
                user=request.user,
                agreement=agreement,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The agreement was ended early."))
            return redirect(agreement)
    return render(
        request,
        "agreements/agreement_action.html",
        {
            "agreement": agreement,
            "form": form,
            "title": _("End the agreement early"),
            "submit": _("End the agreement"),
            "danger": True,
        },
        status=form_status(form),
    )


@require_POST
def agreement_discard(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk)
    migrant = agreement.migrant
    try:
        discard_draft(user=request.user, agreement=agreement)
    except RuleError as error:
        messages.error(request, str(error))
        return redirect(agreement)
    messages.success(request, _("The draft was discarded."))
    return redirect(migrant)


def agreement_history(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk)
    versions = list(series(agreement))
    ids = [version.pk for version in versions]
    # Deleted goals live on only in the history, so steps are found through it too.
    goal_ids = Goal.history.filter(agreement_id__in=ids).values("id")
    changes = sorted(
        [
            *Agreement.history.filter(id__in=ids).select_related("history_user"),
            *Goal.history.filter(agreement_id__in=ids).select_related("history_user"),
            *Step.history.filter(goal_id__in=goal_ids).select_related("history_user"),
        ],
        key=lambda record: record.history_date,
        reverse=True,
    )[:300]
    return render(
        request,
        "agreements/agreement_history.html",
        {"agreement": agreement, "versions": versions, "changes": changes},
    )


def agreement_compare(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = visible_agreement(request, pk)
    versions = with_goals(series(agreement))
    by_version = {version.version: version for version in versions}
    try:
        old_number = int(request.GET.get("a", agreement.version - 1))
        new_number = int(request.GET.get("b", agreement.version))
    except ValueError:
        old_number, new_number = agreement.version - 1, agreement.version
    old, new = by_version.get(old_number), by_version.get(new_number)
    return render(
        request,
        "agreements/agreement_compare.html",
        {
            "agreement": agreement,
            "versions": list(by_version.values()),
            "old": old,
            "new": new,
            "diff": compare(old, new) if old and new else None,
        },
    )
