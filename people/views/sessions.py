"""Counselling sessions, recorded and edited from the person page.

With htmx only the affected part of the person page is swapped; without JavaScript the
same URLs answer with whole pages and redirects.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from people.forms import SessionForm, cleaned_values, posted
from people.models import CounsellingSession
from people.services import record_session, refuse_if_anonymised, update_session
from people.views.helpers import visible_migrant
from sites.errors import ConflictError, RuleError
from sites.http import form_status, is_htmx

PERSON_PAGE = "people/migrant_detail.html"


def _visible_session(request: HttpRequest, pk: int) -> CounsellingSession:
    return get_object_or_404(
        CounsellingSession.objects.visible_to(request.user).select_related(
            "migrant__centre", "counsellor"
        ),
        pk=pk,
    )


@require_http_methods(["GET", "POST"])
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a session from the person page; with htmx only the form and list are swapped.

    The person page loads the empty form only when its "add a session" section is opened
    (GET with htmx): building the form's choices was a fifth of every person page view.
    """
    migrant = visible_migrant(request, pk, related=())
    if request.method == "GET":
        try:
            refuse_if_anonymised(migrant)
        except RuleError as error:
            messages.error(request, str(error))
            return redirect(migrant.get_absolute_url())
        form = SessionForm.for_new_session(migrant)
        if is_htmx(request):
            return render(
                request,
                f"{PERSON_PAGE}#new_session_form",
                {"migrant": migrant, "session_form": form},
            )
        return render(request, "people/session_form.html", {"migrant": migrant, "form": form})
    form = SessionForm(request.POST)
    saved, warnings = None, []
    if form.is_valid():
        try:
            saved = record_session(user=request.user, migrant=migrant, values=cleaned_values(form))
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            warnings = form.warnings
            if not is_htmx(request):
                for warning in warnings:
                    messages.warning(request, warning)
                messages.success(request, _("The session was recorded."))
                return redirect(migrant.get_absolute_url() + "#sessions")
            form = SessionForm.for_new_session(migrant)
    status = 200 if saved else 400
    context = {
        "migrant": migrant,
        "session_form": form,
        "sessions": migrant.sessions.select_related("counsellor"),
        "saved_session": saved,
        "session_warnings": warnings,
    }
    if is_htmx(request):
        return render(request, f"{PERSON_PAGE}#sessions", context, status=status)
    return render(request, "people/session_form.html", {**context, "form": form}, status=status)


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a session: inline in the timeline with htmx, as its own page without."""
    session = _visible_session(request, pk)
    # Inline, the form shares the page with the form for a new session: ids must differ.
    auto_id = f"session-{session.pk}-%s" if is_htmx(request) else "id_%s"
    form = SessionForm(posted(request), instance=session, auto_id=auto_id)
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            session = update_session(
                user=request.user,
                session=session,
                values=cleaned_values(form),
                expected_revision=form.cleaned_data.get("revision"),
            )
        except ConflictError as error:
            conflict = error.changes
        except RuleError as error:
            form.add_error(None, str(error))
        else:
            if is_htmx(request):
                return render(
                    request,
                    f"{PERSON_PAGE}#session_item",
                    {
                        "session": session,
                        "migrant": session.migrant,
                        "item_saved": True,
                        "item_warnings": form.warnings,
                    },
                )
            for warning in form.warnings:
                messages.warning(request, warning)
            messages.success(request, _("The session was saved."))
            return redirect(session.get_absolute_url())
    status = form_status(form, conflict=conflict)
    context = {"session": session, "migrant": session.migrant, "conflict": conflict}
    if is_htmx(request):
        return render(
            request, f"{PERSON_PAGE}#session_edit", {**context, "edit_form": form}, status=status
        )
    return render(request, "people/session_form.html", {**context, "form": form}, status=status)


@require_GET
def session_item(request: HttpRequest, pk: int) -> HttpResponse:
    """One entry of the timeline (htmx: cancelling an inline edit puts it back)."""
    session = _visible_session(request, pk)
    if not is_htmx(request):
        return redirect(session.get_absolute_url())
    return render(
        request, f"{PERSON_PAGE}#session_item", {"session": session, "migrant": session.migrant}
    )
