from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from integration.access import log_access
from integration.enums import AccessAction, CaseStatus
from integration.filters import MigrantFilter
from integration.forms import (
    CaseloadReassignForm,
    ChildFormSet,
    CloseCaseForm,
    MigrantForm,
    QualificationFormSet,
    ReassignForm,
    ReopenCaseForm,
    SessionForm,
)
from integration.history import person_history
from integration.models import CounsellingSession, Migrant
from integration.services import (
    ConflictError,
    RuleError,
    close_case,
    create_migrant,
    reassign_case,
    reassign_caseload,
    reopen_case,
    update_migrant,
)
from sites.models import CounsellingCentre

PAGE_SIZE = 50


def _upcoming_appointment():
    return Subquery(
        CounsellingSession.objects.filter(
            migrant=OuterRef("pk"), next_appointment__gte=timezone.now()
        )
        .order_by("next_appointment")
        .values("next_appointment")[:1]
    )


def migrant_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    centres = list(CounsellingCentre.objects.visible_to(user))
    data = request.GET.copy()
    if not data:
        # A counsellor starts with their own active cases, a supervisor with the centre's.
        data["status"] = CaseStatus.ACTIVE
        if not user.is_supervisor():
            data["counsellor"] = str(user.pk)
    queryset = (
        Migrant.objects.visible_to(user)
        .select_related("counsellor", "centre")
        .annotate(next_appointment_at=_upcoming_appointment())
        .order_by("last_name", "first_name", "pk")
    )
    migrant_filter = MigrantFilter(data, queryset=queryset, centres=centres)
    page = Paginator(migrant_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "integration/migrant_list.html",
        {"filter": migrant_filter, "page": page, "centres": centres},
    )


def _visible_migrant(request: HttpRequest, pk: int) -> Migrant:
    return get_object_or_404(
        Migrant.objects.visible_to(request.user).select_related(
            "centre__municipality", "counsellor", "foreigners_authority"
        ),
        pk=pk,
    )


def migrant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = _visible_migrant(request, pk)
    log_access(user=request.user, action=AccessAction.VIEW_PERSON, migrant=migrant)
    sessions = migrant.sessions.select_related("counsellor")
    consents = migrant.consents.select_related("recipient_partner")
    today = timezone.localdate()
    return render(
        request,
        "integration/migrant_detail.html",
        {
            "migrant": migrant,
            "sessions": sessions,
            "consents": consents,
            "children": migrant.children.all(),
            "qualifications": migrant.qualifications.all(),
            "session_form": SessionForm(initial={"held_on": today}),
            "warnings": migrant.programme_warnings(),
            "person_agreements": migrant.agreements.order_by("-created_at", "-version"),
            "today": today,
        },
    )


def _centre_for_new_case(request: HttpRequest) -> CounsellingCentre:
    centres = CounsellingCentre.objects.visible_to(request.user)
    wanted = request.GET.get("centre") or request.POST.get("centre")
    if wanted:
        return get_object_or_404(centres, pk=wanted)
    centre = centres.order_by("name").first()
    if centre is None:
        raise Http404
    return centre


@require_http_methods(["GET", "POST"])
def migrant_create(request: HttpRequest) -> HttpResponse:
    centre = _centre_for_new_case(request)
    form = MigrantForm(request.POST or None, centre=centre, initial={"counsellor": request.user})
    children = ChildFormSet(request.POST or None, prefix="children")
    qualifications = QualificationFormSet(request.POST or None, prefix="qualifications")
    if request.method == "POST" and all(f.is_valid() for f in (form, children, qualifications)):
        try:
            migrant = create_migrant(
                user=request.user, centre=centre, form=form, formsets=(children, qualifications)
            )
        except RuleError as error:
            form.add_error("counsellor", str(error))
        else:
            messages.success(
                request,
                _("%(name)s was recorded as %(number)s.")
                % {"name": migrant.full_name, "number": migrant.case_number},
            )
            for warning in migrant.programme_warnings():
                messages.warning(request, warning)
            return redirect(migrant)
    return render(
        request,
        "integration/migrant_form.html",
        {
            "form": form,
            "children": children,
            "qualifications": qualifications,
            "centre": centre,
            "centres": CounsellingCentre.objects.visible_to(request.user),
        },
    )


@require_http_methods(["GET", "POST"])
def migrant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = _visible_migrant(request, pk)
    data = request.POST or None
    form = MigrantForm(data, instance=migrant, centre=migrant.centre)
    children = ChildFormSet(data, instance=migrant, prefix="children")
    qualifications = QualificationFormSet(data, instance=migrant, prefix="qualifications")
    conflict = None
    if request.method == "POST" and all(f.is_valid() for f in (form, children, qualifications)):
        try:
            update_migrant(
                user=request.user,
                form=form,
                formsets=(children, qualifications),
                expected_revision=form.cleaned_data.get("revision") or 0,
            )
        except ConflictError as error:
            conflict = error.changes
            messages.error(
                request,
                _(
                    "Someone else saved this person after you opened the form. Nothing was "
                    "saved. Please look at the changes below, reload the form and enter your "
                    "changes again."
                ),
            )
        except RuleError as error:
            form.add_error("counsellor", str(error))
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(migrant)
    status = 409 if conflict is not None else 200
    return render(
        request,
        "integration/migrant_form.html",
        {
            "form": form,
            "children": children,
            "qualifications": qualifications,
            "migrant": migrant,
            "centre": migrant.centre,
            "conflict": conflict,
        },
        status=status,
    )


def migrant_history(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = _visible_migrant(request, pk)
    return render(
        request,
        "integration/migrant_history.html",
        {"migrant": migrant, "entries": person_history(migrant)},
    )


def _action_page(request, migrant, form, title, submit, danger=False, status=200):
    return render(
        request,
        "integration/migrant_action.html",
        {"migrant": migrant, "form": form, "title": title, "submit": submit, "danger": danger},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def migrant_close(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = _visible_migrant(request, pk)
    form = CloseCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            close_case(
                user=request.user,
                migrant=migrant,
                closed_on=form.cleaned_data["closed_on"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The case was closed."))
            return redirect(migrant)
    return _action_page(request, migrant, form, _("Close the case"), _("Close case"), danger=True)


@require_http_methods(["GET", "POST"])
def migrant_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = _visible_migrant(request, pk)
    form = ReopenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reopen_case(user=request.user, migrant=migrant, note=form.cleaned_data["note"])
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The case was reopened."))
            return redirect(migrant)
    return _action_page(request, migrant, form, _("Reopen the case"), _("Reopen case"))


@require_http_methods(["GET", "POST"])
def migrant_reassign(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = _visible_migrant(request, pk)
    if migrant.centre_id not in request.user.supervised_centre_ids():
        return render(request, "403.html", status=403)
    form = ReassignForm(
        request.POST or None, centre=migrant.centre, initial={"counsellor": migrant.counsellor}
    )
    if request.method == "POST" and form.is_valid():
        try:
            reassign_case(
                user=request.user, migrant=migrant, counsellor=form.cleaned_data["counsellor"]
            )
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The case was reassigned."))
            return redirect(migrant)
    return _action_page(request, migrant, form, _("Reassign the case"), _("Reassign"))


@require_http_methods(["GET", "POST"])
def caseload_reassign(request: HttpRequest, centre_pk: int) -> HttpResponse:
    centre = get_object_or_404(CounsellingCentre.objects.visible_to(request.user), pk=centre_pk)
    if centre.pk not in request.user.supervised_centre_ids():
        return render(request, "403.html", status=403)
    form = CaseloadReassignForm(request.POST or None, centre=centre)
    if request.method == "POST" and form.is_valid():
        try:
            moved = reassign_caseload(
                user=request.user,
                centre=centre,
                from_counsellor=form.cleaned_data["from_counsellor"],
                to_counsellor=form.cleaned_data["to_counsellor"],
            )
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(count)s cases were reassigned.") % {"count": moved})
            return redirect("integration:migrant-list")
    return render(request, "integration/caseload_reassign.html", {"centre": centre, "form": form})


urlpatterns = [
    path("", migrant_list, name="migrant-list"),
    path("neu/", migrant_create, name="migrant-create"),
    path("<int:pk>/", migrant_detail, name="migrant-detail"),
    path("<int:pk>/bearbeiten/", migrant_edit, name="migrant-edit"),
    path("<int:pk>/verlauf/", migrant_history, name="migrant-history"),
    path("<int:pk>/abschliessen/", migrant_close, name="migrant-close"),
    path("<int:pk>/wiedereroeffnen/", migrant_reopen, name="migrant-reopen"),
    path("<int:pk>/zuweisen/", migrant_reassign, name="migrant-reassign"),
    path("stelle/<int:centre_pk>/fallumverteilung/", caseload_reassign, name="caseload-reassign"),
]
