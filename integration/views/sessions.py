from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from integration.forms import SessionForm
from integration.models import CounsellingSession, Migrant
from integration.services import record_session, update_session


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@require_POST
def session_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a session from the person page; with htmx only the form and list are swapped."""
    migrant = get_object_or_404(Migrant.objects.visible_to(request.user), pk=pk)
    form = SessionForm(request.POST)
    saved, warnings = None, []
    if form.is_valid():
        saved = record_session(user=request.user, migrant=migrant, form=form)
        warnings = form.warnings
        if not is_htmx(request):
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, _("The session was recorded."))
            return redirect(migrant.get_absolute_url() + "#sessions")
        form = SessionForm(initial={"held_on": timezone.localdate()})
    # htmx swaps only 2xx answers in by default, so an invalid form answers 200 there.
    status = 200 if saved or is_htmx(request) else 400
    context = {
        "migrant": migrant,
        "session_form": form,
        "sessions": migrant.sessions.select_related("counsellor"),
        "saved_session": saved,
        "session_warnings": warnings,
    }
    if is_htmx(request):
        return render(request, "integration/migrant_detail.html#sessions", context, status=status)
    return render(
        request, "integration/session_form.html", {**context, "form": form}, status=status
    )


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(
        CounsellingSession.objects.visible_to(request.user).select_related("migrant"), pk=pk
    )
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        update_session(user=request.user, form=form)
        for warning in form.warnings:
            messages.warning(request, warning)
        messages.success(request, _("The session was saved."))
        return redirect(session.get_absolute_url())
    return render(
        request,
        "integration/session_form.html",
        {"form": form, "migrant": session.migrant, "session": session},
        status=400 if form.errors else 200,
    )


urlpatterns = [
    path("<int:pk>/gespraeche/neu/", session_add, name="session-add"),
    path("gespraeche/<int:pk>/bearbeiten/", session_edit, name="session-edit"),
]
