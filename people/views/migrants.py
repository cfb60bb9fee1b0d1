from __future__ import annotations

from django.contrib import messages
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from people.access import log_access
from people.duplicates import PossibleDuplicates
from people.enums import AccessAction, CaseStatus
from people.filters import FILTER_KEYS, MigrantFilter
from people.forms import (
    CaseloadReassignForm,
    ChildFormSet,
    CloseCaseForm,
    MigrantForm,
    QualificationFormSet,
    ReassignForm,
    ReopenCaseForm,
    attached_rows,
    cleaned_values,
    posted,
)
from people.history import person_history
from people.models import CounsellingSession, Migrant
from people.services import (
    case_holders,
    close_case,
    create_migrant,
    person_warnings,
    reassign_case,
    reassign_caseload,
    reopen_case,
    update_migrant,
)
from people.views.helpers import visible_migrant
from sites.errors import ConflictError, RuleError
from sites.http import form_status, object_id, page_of
from sites.models import CounsellingCentre
from sites.permissions import is_supervisor, is_supervisor_of, require_supervisor

CASELOAD_COLUMNS = (
    "case_number",
    "first_name",
    "last_name",
    "name_latin",
    "status",
    "closed_on",
    "counsellor",
    "counsellor__first_name",
    "counsellor__last_name",
    "counsellor__username",
)
RECENT_CHANGES = 5


def _upcoming_appointment():
    return Subquery(
        CounsellingSession.objects.filter(
            migrant=OuterRef("pk"), next_appointment__gte=timezone.now()
        )
        .order_by("next_appointment")
        .values("next_appointment")[:1]
    )


def _last_session():
    return Subquery(
        CounsellingSession.objects.filter(migrant=OuterRef("pk"))
        .order_by("-held_on")
        .values("held_on")[:1]
    )


def _caseload_filter_data(request: HttpRequest):
    data = request.GET.copy()
    if not any(key in data for key in FILTER_KEYS):
        # A counsellor starts with their own active cases, a supervisor with the centre's;
        # kept on every page of the list, since "page" alone is no filter.
        data["status"] = CaseStatus.ACTIVE
        if not is_supervisor(request.user):
            data["counsellor"] = str(request.user.pk)
    return data


def migrant_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    # The memberships are read once per request anyway; their centres come with them.
    centres = [membership.centre for membership in user.memberships_cached()]
    queryset = (
        Migrant.objects.visible_to(user)
        .select_related("counsellor")
        # What the rows show: a whole person (45 columns, three of them countries that
        # django-countries converts on load) was a tenth of the list's CPU time.
        .only(*CASELOAD_COLUMNS)
        .annotate(next_appointment_at=_upcoming_appointment(), last_session_on=_last_session())
        .order_by("last_name", "first_name", "pk")
    )
    migrant_filter = MigrantFilter(
        _caseload_filter_data(request),
        queryset=queryset,
        counsellors=list(case_holders(centres)),
    )
    page = page_of(request, migrant_filter.qs)
    return render(
        request,
        "people/migrant_list.html",
        {
            "filter": migrant_filter,
            "page": page,
            "centres": centres,
            "supervised_centres": user.supervised_centres(),
            "today": timezone.localdate(),
        },
    )


def migrant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # The page names the centre but not its municipality (15 columns fewer to compile).
    migrant = visible_migrant(request, pk, related=("centre", "counsellor", "foreigners_authority"))
    log_access(user=request.user, action=AccessAction.VIEW_PERSON, migrant=migrant)
    today = timezone.localdate()
    consents = list(migrant.consents.select_related("recipient_partner"))
    return render(
        request,
        "people/migrant_detail.html",
        {
            "migrant": migrant,
            "sessions": migrant.sessions.select_related("counsellor"),
            "valid_consents": [c for c in consents if c.is_valid_on(today)],
            "other_consents": [c for c in consents if not c.is_valid_on(today)],
            "children": migrant.children.all(),
            "qualifications": migrant.qualifications.all(),
            "warnings": person_warnings(migrant, today),
            "recent_changes": person_history(migrant)[:RECENT_CHANGES],
            "person_agreements": migrant.agreements.order_by("-created_at", "-version"),
            "today": today,
        },
    )


def _centre_for_new_case(request: HttpRequest) -> CounsellingCentre:
    centres = CounsellingCentre.objects.visible_to(request.user)
    wanted = request.GET.get("centre") or request.POST.get("centre")
    if wanted:
        # Only a plain number names a centre; anything else (marks, emoji, NUL) names none.
        if (centre_id := object_id(wanted)) is None:
            raise Http404
        return get_object_or_404(centres, pk=centre_id)
    centre = centres.order_by("name").first()
    if centre is None:
        raise Http404
    return centre


def _set_aside(request: HttpRequest) -> set[int]:
    """The records the user called a different person, from the matches panel's button."""
    chosen = request.POST.get("different_from", "") if request.method == "POST" else ""
    return {int(part) for part in chosen.split(",") if part.isascii() and part.isdecimal()}


@require_http_methods(["GET", "POST"])
def migrant_create(request: HttpRequest) -> HttpResponse:
    centre = _centre_for_new_case(request)
    form = MigrantForm(posted(request), centre=centre, initial={"counsellor": request.user})
    children = ChildFormSet(posted(request), prefix="children")
    qualifications = QualificationFormSet(posted(request), prefix="qualifications")
    duplicates = None
    if request.method == "POST" and all(f.is_valid() for f in (form, children, qualifications)):
        try:
            migrant = create_migrant(
                user=request.user,
                centre=centre,
                values=cleaned_values(form),
                children=attached_rows(children),
                qualifications=attached_rows(qualifications),
                different_from=_set_aside(request),
            )
        except PossibleDuplicates as suspicion:
            # The bound forms are shown again: nothing typed is lost while the user decides.
            duplicates = suspicion.matches
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
        "people/migrant_form.html",
        {
            "form": form,
            "children": children,
            "qualifications": qualifications,
            "centre": centre,
            "centres": CounsellingCentre.objects.visible_to(request.user),
            "duplicates": duplicates,
        },
    )


@require_http_methods(["GET", "POST"])
def migrant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = visible_migrant(request, pk)
    data = posted(request)
    form = MigrantForm(
        data,
        instance=migrant,
        centre=migrant.centre,
        can_assign=is_supervisor_of(request.user, migrant.centre_id),
    )
    children = ChildFormSet(data, instance=migrant, prefix="children")
    qualifications = QualificationFormSet(data, instance=migrant, prefix="qualifications")
    conflict = duplicates = None
    if request.method == "POST" and all(f.is_valid() for f in (form, children, qualifications)):
        try:
            update_migrant(
                user=request.user,
                migrant=migrant,
                values=cleaned_values(form),
                children=attached_rows(children),
                qualifications=attached_rows(qualifications),
                expected_revision=form.cleaned_data.get("revision") or 0,
                different_from=_set_aside(request),
            )
        except PossibleDuplicates as suspicion:
            duplicates = suspicion.matches
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
            form.add_error("counsellor" if "counsellor" in form.fields else None, str(error))
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(migrant)
    # The form's own errors answer 200 here, as they always did on this page.
    status = form_status(conflict=conflict)
    return render(
        request,
        "people/migrant_form.html",
        {
            "form": form,
            "children": children,
            "qualifications": qualifications,
            "migrant": migrant,
            "centre": migrant.centre,
            "conflict": conflict,
            "duplicates": duplicates,
        },
        status=status,
    )


def migrant_history(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = visible_migrant(request, pk)
    # Old values of the person's data are shown here: a read of the person like the page.
    log_access(
        user=request.user,
        action=AccessAction.VIEW_PERSON,
        migrant=migrant,
        detail=request.path,
    )
    return render(
        request,
        "people/migrant_history.html",
        {"migrant": migrant, "entries": person_history(migrant)},
    )


def _action_page(request, migrant, form, title, submit, danger=False, status=200):
    return render(
        request,
        "people/migrant_action.html",
        {"migrant": migrant, "form": form, "title": title, "submit": submit, "danger": danger},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def migrant_close(request: HttpRequest, pk: int) -> HttpResponse:
    migrant = visible_migrant(request, pk)
    form = CloseCaseForm(posted(request))
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
    migrant = visible_migrant(request, pk)
    form = ReopenCaseForm(posted(request))
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
    migrant = visible_migrant(request, pk)
    require_supervisor(request.user, migrant.centre_id)
    form = ReassignForm(
        posted(request), centre=migrant.centre, initial={"counsellor": migrant.counsellor}
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
    require_supervisor(request.user, centre)
    form = CaseloadReassignForm(posted(request), centre=centre)
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
    return render(request, "people/caseload_reassign.html", {"centre": centre, "form": form})
