"""Merging two records of one person: the request (a supervisor), the confirmation
(another supervisor) and the list of merges waiting. The small forms live here because
only these views use them."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from integration.merge import can_decide, decide_merge, merge_blockers, request_merge
from people.duplicates import possible_duplicates
from people.forms import posted
from people.models import MergeRequest, Migrant
from people.views.helpers import visible_migrant
from sites.errors import RuleError
from sites.permissions import require_supervisor, supervised_centre_ids

MERGE_RELATED = ("centre", "counsellor")


class MergeRequestForm(forms.Form):
    kept = forms.CharField(
        label=gettext_lazy("Case number of the record to keep"),
        max_length=24,
        help_text=gettext_lazy("Everything of this record moves there."),
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text=gettext_lazy("How you know both records are the same person."),
    )

    def __init__(self, *args, migrant: Migrant, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.migrant = migrant
        self.user = user

    def clean_kept(self) -> Migrant:
        number = self.cleaned_data["kept"].strip()
        # Only the same centre's records: another centre's case number names nothing here.
        kept = (
            Migrant.objects.visible_to(self.user)
            .filter(centre_id=self.migrant.centre_id, case_number=number)
            .select_related("centre")
            .first()
        )
        if kept is None:
            raise forms.ValidationError(_("This centre has no record with this case number."))
        return kept


class MergeDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("approve", gettext_lazy("Confirm and merge now")),
            ("reject", gettext_lazy("Reject")),
        ],
        widget=forms.RadioSelect,
    )
    decision_note = forms.CharField(
        label=gettext_lazy("Note on the decision"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
        help_text=gettext_lazy("Required when rejecting."),
    )


def _pending(migrant: Migrant) -> MergeRequest | None:
    return (
        MergeRequest.objects.filter(merged=migrant, status=MergeRequest.Status.PENDING)
        .select_related("kept", "requested_by")
        .first()
    )


@require_http_methods(["GET", "POST"])
def merge(request: HttpRequest, pk: int) -> HttpResponse:
    """The record shown here is the one merged away into the record named in the form."""
    migrant = visible_migrant(request, pk, related=MERGE_RELATED)
    require_supervisor(request.user, migrant.centre_id)
    pending = _pending(migrant)
    form = MergeRequestForm(posted(request), migrant=migrant, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            request_merge(
                user=request.user,
                merged=migrant,
                kept=form.cleaned_data["kept"],
                reason=form.cleaned_data["reason"],
            )
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The merge was requested. Another supervisor of the centre has to confirm it."),
            )
            return redirect("integration:merge", pk=migrant.pk)
    candidates = possible_duplicates(
        centre_id=migrant.centre_id,
        first_name=migrant.first_name,
        last_name=migrant.last_name,
        name_latin=migrant.name_latin,
        date_of_birth=migrant.date_of_birth,
        exclude_pk=migrant.pk,
    )
    if not form.is_bound and candidates:
        form.initial["kept"] = candidates[0].case_number
    if pending is not None:
        pending.merged = migrant
    return render(
        request,
        "integration/merge_form.html",
        {
            "migrant": migrant,
            "form": form,
            "candidates": candidates,
            "pending": pending,
            "pending_blockers": merge_blockers(merged=migrant, kept=pending.kept)
            if pending
            else [],
            "user_can_decide": pending is not None
            and can_decide(user=request.user, merge_request=pending),
            "decision_form": MergeDecisionForm(),
        },
        status=400 if form.errors else 200,
    )


@require_POST
def merge_decide(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = visible_migrant(request, pk, related=MERGE_RELATED)
    require_supervisor(request.user, migrant.centre_id)
    pending = get_object_or_404(
        MergeRequest.objects.select_related("kept"),
        merged=migrant,
        status=MergeRequest.Status.PENDING,
    )
    form = MergeDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose confirm or reject."))
        return redirect("integration:merge", pk=migrant.pk)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decide_merge(
            user=request.user,
            merge_request=pending,
            approve=approve,
            note=form.cleaned_data["decision_note"],
        )
    except RuleError as error:
        messages.error(request, str(error))
        return redirect("integration:merge", pk=migrant.pk)
    if approve:
        messages.success(
            request,
            _("%(merged)s was merged into this record.") % {"merged": migrant.case_number},
        )
        return redirect(pending.kept)
    messages.success(request, _("The merge was rejected."))
    return redirect("integration:merge", pk=migrant.pk)


@require_GET
def merge_list(request: HttpRequest) -> HttpResponse:
    require_supervisor(request.user)
    visible = (
        MergeRequest.objects.visible_to(request.user)
        .filter(merged__centre_id__in=supervised_centre_ids(request.user))
        .select_related("merged__centre", "kept", "requested_by", "decided_by")
    )
    pending = list(visible.filter(status=MergeRequest.Status.PENDING).order_by("requested_at"))
    for merge_request in pending:
        merge_request.user_can_decide = can_decide(user=request.user, merge_request=merge_request)
    decided = visible.exclude(status=MergeRequest.Status.PENDING).order_by("-decided_at")[:50]
    return render(request, "integration/merge_list.html", {"pending": pending, "decided": decided})
