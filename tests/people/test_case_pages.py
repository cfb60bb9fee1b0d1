"""The pages of a case's course: sessions with htmx, consents, closing, reopening and
reassigning (creating, editing and the person page: test_migrant_pages.py)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from people.enums import CaseStatus, Interpreter
from people.models import Consent, CounsellingSession, Migrant
from tests.factories import (
    ConsentFactory,
    MigrantFactory,
    SessionFactory,
)


def _today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def migrant(counsellor, centre):
    return MigrantFactory(centre=centre, counsellor=counsellor)


def _session_data(**overrides):
    data = {
        "held_on": _today().isoformat(),
        "duration_minutes": "50",
        "mode": "in_person",
        "interpreter": Interpreter.NONE,
    }
    data.update(overrides)
    return data


def test_session_is_added_from_the_person_page_with_htmx(counsellor_client, counsellor, migrant):
    response = counsellor_client.post(
        reverse("integration:session-add", args=[migrant.pk]),
        _session_data(
            interpreter=Interpreter.FAMILY,
            interpreter_language="ar",
            interpreter_is_minor="on",
            topics=["language", "childcare"],
            notes="Kita-Suche besprochen",
        ),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="sessions-panel">')
    assert "Kita-Suche besprochen" in html
    assert "alert-warning" in html
    session = CounsellingSession.objects.get()
    assert (session.counsellor, session.interpreter_is_minor, session.topics) == (
        counsellor,
        True,
        ["language", "childcare"],
    )
    assert session.history.get().history_user == counsellor


def test_invalid_session_with_htmx_answers_400_with_the_form(counsellor_client, migrant):
    far = (_today() + datetime.timedelta(days=400)).isoformat()
    response = counsellor_client.post(
        reverse("integration:session-add", args=[migrant.pk]),
        _session_data(held_on=far),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="sessions-panel">')
    assert 'aria-invalid="true"' in html or "is-invalid" in html
    assert CounsellingSession.objects.count() == 0


def test_session_without_javascript_redirects_to_the_person_page(counsellor_client, migrant):
    response = counsellor_client.post(
        reverse("integration:session-add", args=[migrant.pk]), _session_data()
    )
    assert response.status_code == 302
    assert response.url == migrant.get_absolute_url() + "#sessions"
    assert CounsellingSession.objects.count() == 1


def test_session_more_than_a_year_ahead_is_refused(counsellor_client, migrant):
    far = (_today() + datetime.timedelta(days=400)).isoformat()
    response = counsellor_client.post(
        reverse("integration:session-add", args=[migrant.pk]), _session_data(held_on=far)
    )
    assert response.status_code == 400
    assert CounsellingSession.objects.count() == 0


def test_session_form_suggests_the_person_s_interpreter_language(counsellor_client, migrant):
    migrant.interpreter_needed = True
    migrant.interpreter_language = "fa"
    migrant.save()
    response = counsellor_client.get(
        reverse("integration:session-add", args=[migrant.pk]), HTTP_HX_REQUEST="true"
    )
    assert '<option value="fa" selected>' in response.content.decode()


def test_person_page_loads_the_session_form_only_when_it_is_opened(counsellor_client, migrant):
    add_url = reverse("integration:session-add", args=[migrant.pk])
    page = counsellor_client.get(migrant.get_absolute_url()).content.decode()
    assert 'name="duration_minutes"' not in page
    assert f'data-hx-get="{add_url}" data-hx-trigger="toggle once"' in page
    # Without JavaScript the opened section offers a link to the form's own page.
    assert f'<a href="{add_url}">' in page

    fragment = counsellor_client.get(add_url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert f'data-hx-post="{add_url}"' in fragment.content.decode()

    whole_page = counsellor_client.get(add_url)
    assert whole_page.status_code == 200
    assert "<html" in whole_page.content.decode()
    assert 'name="duration_minutes"' in whole_page.content.decode()


def test_no_session_form_is_offered_for_an_anonymised_case(counsellor_client, migrant):
    migrant.anonymised_at = timezone.now()
    migrant.save()
    response = counsellor_client.get(reverse("integration:session-add", args=[migrant.pk]))
    assert response.status_code == 302
    assert response.url == migrant.get_absolute_url()


def test_session_is_edited_inline_with_htmx(counsellor_client, colleague, client, migrant):
    session = SessionFactory(migrant=migrant, notes="alt")
    url = reverse("integration:session-edit", args=[session.pk])
    form = counsellor_client.get(url, HTTP_HX_REQUEST="true")
    assert form.status_code == 200
    assert form.content.decode().lstrip().startswith(f'<li id="session-{session.pk}">')
    client.force_login(colleague)
    saved = client.post(url, _session_data(notes="neu", revision="1"), HTTP_HX_REQUEST="true")
    assert saved.status_code == 200
    assert "neu" in saved.content.decode()
    session.refresh_from_db()
    assert (session.notes, session.history.latest().history_user) == ("neu", colleague)


def test_cancelling_an_inline_edit_puts_the_entry_back(counsellor_client, migrant):
    session = SessionFactory(migrant=migrant, notes="unverändert")
    url = reverse("integration:session-item", args=[session.pk])
    response = counsellor_client.get(url, HTTP_HX_REQUEST="true")
    assert "unverändert" in response.content.decode()
    assert counsellor_client.get(url).url == session.get_absolute_url()


def test_session_edit_without_javascript_is_a_page(counsellor_client, migrant):
    session = SessionFactory(migrant=migrant)
    url = reverse("integration:session-edit", args=[session.pk])
    assert "<html" in counsellor_client.get(url).content.decode()
    bad = counsellor_client.post(url, _session_data(duration_minutes="0", revision="1"))
    assert bad.status_code == 400
    good = counsellor_client.post(url, _session_data(duration_minutes="90", revision="1"))
    assert good.url == session.get_absolute_url()
    session.refresh_from_db()
    assert session.duration_minutes == 90


# --- consents -------------------------------------------------------------------------


def test_consent_is_recorded_and_withdrawn_from_the_pages(counsellor_client, migrant):
    partner = ConsentFactory(migrant=migrant).recipient_partner
    response = counsellor_client.post(
        reverse("integration:consent-add", args=[migrant.pk]),
        {
            "recipient_partner": partner.pk,
            "data_categories": "Name",
            "purpose": "Kurs",
            "form": "oral",
            "file_note": "mündlich mit Dolmetscher erklärt",
            "given_on": _today().isoformat(),
        },
    )
    assert response.status_code == 302
    consent = Consent.objects.get(purpose="Kurs")
    response = counsellor_client.post(
        reverse("integration:consent-withdraw", args=[consent.pk]),
        {"withdrawn_on": _today().isoformat()},
    )
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == _today()


def test_oral_consent_without_file_note_is_refused_on_the_page(counsellor_client, migrant):
    partner = ConsentFactory(migrant=migrant).recipient_partner
    response = counsellor_client.post(
        reverse("integration:consent-add", args=[migrant.pk]),
        {
            "recipient_partner": partner.pk,
            "data_categories": "Name",
            "purpose": "Kurs",
            "form": "oral",
            "file_note": "",
            "given_on": _today().isoformat(),
        },
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["file_note"]
    assert Consent.objects.count() == 1


# --- close, reopen, reassign ------------------------------------------------------------


def test_close_and_reopen_a_case_with_reasons(counsellor_client, migrant):
    counsellor_client.post(
        reverse("integration:migrant-close", args=[migrant.pk]),
        {"closed_on": "2026-11-01", "reason": "moved", "note": "nach Mainz verzogen"},
    )
    migrant.refresh_from_db()
    assert (migrant.status, migrant.closed_on, migrant.closure_reason, migrant.closure_note) == (
        CaseStatus.CLOSED,
        datetime.date(2026, 11, 1),
        "moved",
        "nach Mainz verzogen",
    )
    response = counsellor_client.post(reverse("integration:migrant-reopen", args=[migrant.pk]), {})
    assert "note" in response.context["form"].errors
    counsellor_client.post(
        reverse("integration:migrant-reopen", args=[migrant.pk]), {"note": "zurückgezogen"}
    )
    migrant.refresh_from_db()
    assert (migrant.status, migrant.closed_on) == (CaseStatus.ACTIVE, None)


def test_closing_in_the_future_or_before_intake_is_refused(counsellor_client, migrant):
    for day in [(_today() + datetime.timedelta(days=1)).isoformat(), "2020-01-01"]:
        response = counsellor_client.post(
            reverse("integration:migrant-close", args=[migrant.pk]),
            {"closed_on": day, "reason": "moved"},
        )
        assert response.status_code == 200
        assert response.context["form"].errors
    assert Migrant.objects.get(pk=migrant.pk).status == CaseStatus.ACTIVE


def test_supervisor_reassigns_a_case(supervisor_client, migrant, colleague):
    response = supervisor_client.post(
        reverse("integration:migrant-reassign", args=[migrant.pk]), {"counsellor": colleague.pk}
    )
    assert response.status_code == 302
    assert Migrant.objects.get(pk=migrant.pk).counsellor == colleague


def test_counsellor_cannot_reassign(counsellor_client, migrant, colleague):
    response = counsellor_client.post(
        reverse("integration:migrant-reassign", args=[migrant.pk]), {"counsellor": colleague.pk}
    )
    assert response.status_code == 403
    assert Migrant.objects.get(pk=migrant.pk).counsellor != colleague


def test_caseload_page_offers_a_colleague_who_left_and_hands_over(
    supervisor_client, centre, counsellor, colleague
):
    MigrantFactory.create_batch(2, centre=centre, counsellor=counsellor)
    counsellor.is_active = False
    counsellor.save()
    url = reverse("integration:caseload-reassign", args=[centre.pk])
    form = supervisor_client.get(url).context["form"]
    assert list(form.fields["from_counsellor"].queryset) == [counsellor]
    assert counsellor not in form.fields["to_counsellor"].queryset
    response = supervisor_client.post(
        url, {"from_counsellor": counsellor.pk, "to_counsellor": colleague.pk}
    )
    assert response.status_code == 302
    assert Migrant.objects.filter(counsellor=colleague).count() == 2
