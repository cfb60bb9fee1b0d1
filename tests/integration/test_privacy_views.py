import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from integration.privacy import ANONYMISED
from people.enums import AccessAction, CaseStatus
from people.models import AccessLog, ErasureRequest, Migrant
from tests.factories import CaseGraph, MigrantFactory, counsellor_of, supervisor_of


@pytest.fixture
def graph(centre, counsellor, supervisor):
    return CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)


def _url(name, *args):
    return reverse(f"integration:{name}", args=args)


# --- the person's privacy page ---------------------------------------------------------


def test_privacy_page_offers_the_exports_and_explains_why_erasure_waits(counsellor_client, graph):
    response = counsellor_client.get(_url("privacy", graph.migrant.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert _url("privacy-export-json", graph.migrant.pk) in page
    assert _url("privacy-export-pdf", graph.migrant.pk) in page
    assert 'id="erasure-blockers"' in page  # active case: no request form
    assert 'id="erasure-request-form"' not in page


def test_privacy_page_lists_referrals_whose_consent_was_withdrawn(counsellor_client, graph):
    page = counsellor_client.get(_url("privacy", graph.migrant.pk)).content.decode()
    assert f"#step-{graph.draft_step.pk}" in page
    assert f"#step-{graph.step.pk}" not in page


def test_privacy_page_of_a_closed_case_shows_the_request_form(counsellor_client, centre):
    migrant = MigrantFactory(
        centre=centre, status=CaseStatus.CLOSED, closed_on=datetime.date(2026, 5, 1)
    )
    page = counsellor_client.get(_url("privacy", migrant.pk)).content.decode()
    assert 'id="erasure-request-form"' in page


# --- exports ---------------------------------------------------------------------------


def test_json_export_is_a_download_with_everything_and_is_logged(counsellor_client, graph):
    response = counsellor_client.get(_url("privacy-export-json", graph.migrant.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    # Every answer to a signed-in user adds "private" (integration.middleware).
    assert set(response["Cache-Control"].split(", ")) == {"no-store", "private"}
    data = json.loads(response.getvalue())
    assert data["person"][0]["last_name"] == graph.migrant.last_name
    assert len(data["agreements"]) == 2
    logged = AccessLog.objects.filter(migrant=graph.migrant, action=AccessAction.GDPR_EXPORT)
    assert list(logged.values_list("user", "detail")) == [(graph.counsellor.pk, "JSON")]


def test_pdf_export_is_a_readable_pdf_of_everything_and_is_logged(counsellor_client, graph):
    import io

    from pypdf import PdfReader

    response = counsellor_client.get(_url("privacy-export-pdf", graph.migrant.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    reader = PdfReader(io.BytesIO(response.getvalue()))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in [
        graph.migrant.case_number,
        "Amira",
        graph.session.notes,
        graph.goal.text,
        graph.review.successes,
        graph.signed.number,
    ]:
        assert expected in text, expected
    logged = AccessLog.objects.filter(migrant=graph.migrant, action=AccessAction.GDPR_EXPORT)
    assert list(logged.values_list("detail", flat=True)) == ["PDF"]


def test_pdf_export_carries_the_signed_pdf_and_the_scan_and_no_ids_or_paths(
    counsellor_client, graph
):
    import io
    import re

    from pypdf import PdfReader

    from tests.factories import MINIMAL_PDF, MINIMAL_PNG

    response = counsellor_client.get(_url("privacy-export-pdf", graph.migrant.pk))

    reader = PdfReader(io.BytesIO(response.getvalue()))
    pdf_name = graph.document.pdf.name.rsplit("/", 1)[-1]
    scan_name = graph.document.scan.name.rsplit("/", 1)[-1]
    assert {name: contents[0] for name, contents in reader.attachments.items()} == {
        pdf_name: MINIMAL_PDF,
        scan_name: MINIMAL_PNG,
    }
    text = " ".join(page.extract_text() for page in reader.pages)
    assert pdf_name in text and scan_name in text
    assert "agreements/" not in text  # no storage path
    assert re.search(r"\bID\b", text) is None  # no row's database id


def test_export_of_another_centres_person_is_not_found_and_not_logged(client, graph, outsider):
    client.force_login(outsider)
    for name in ("privacy-export-json", "privacy-export-pdf", "privacy"):
        assert client.get(_url(name, graph.migrant.pk)).status_code == 404, name
    assert AccessLog.objects.filter(action=AccessAction.GDPR_EXPORT).count() == 0


# --- erasure requests ------------------------------------------------------------------


def test_counsellor_requests_erasure_of_a_closed_case(counsellor_client, counsellor, centre):
    migrant = MigrantFactory(
        centre=centre, status=CaseStatus.CLOSED, closed_on=datetime.date(2026, 5, 1)
    )
    response = counsellor_client.post(
        _url("erasure-request", migrant.pk), {"reason": "Wunsch der Person vom 1.6.2026"}
    )
    assert response.status_code == 302
    assert response["Location"] == _url("privacy", migrant.pk)
    assert list(ErasureRequest.objects.values_list("migrant", "requested_by", "status")) == [
        (migrant.pk, counsellor.pk, "pending")
    ]


def test_erasure_request_without_reason_rerenders_with_an_error(counsellor_client, centre):
    migrant = MigrantFactory(
        centre=centre, status=CaseStatus.CLOSED, closed_on=datetime.date(2026, 5, 1)
    )
    response = counsellor_client.post(_url("erasure-request", migrant.pk), {"reason": ""})
    assert response.status_code == 200
    assert list(response.context["request_form"].errors) == ["reason"]
    assert ErasureRequest.objects.count() == 0


def test_erasure_request_for_an_active_case_is_refused(counsellor_client, graph):
    response = counsellor_client.post(
        _url("erasure-request", graph.migrant.pk), {"reason": "Wunsch"}
    )
    assert response.status_code == 200
    assert list(response.context["request_form"].errors) == ["__all__"]
    assert ErasureRequest.objects.filter(migrant=graph.migrant).count() == 0


def test_erasure_request_cannot_be_read_by_get(counsellor_client, graph):
    assert (
        counsellor_client.get(_url("erasure-request", graph.closed_migrant.pk)).status_code == 405
    )


# --- decisions -------------------------------------------------------------------------


def test_erasure_list_shows_the_decision_form_to_a_supervisor(supervisor_client, graph):
    response = supervisor_client.get(_url("erasure-list"))
    assert response.status_code == 200
    page = response.content.decode()
    assert _url("erasure-decide", graph.erasure_request.pk) in page


def test_erasure_list_shows_no_decision_form_to_the_counsellor(counsellor_client, graph):
    response = counsellor_client.get(_url("erasure-list"))
    assert response.status_code == 200
    assert [r.pk for r in response.context["pending"]] == [graph.erasure_request.pk]
    assert _url("erasure-decide", graph.erasure_request.pk) not in response.content.decode()


def test_supervisor_approves_and_the_case_is_anonymised(
    supervisor_client, graph, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor_client.post(
            _url("erasure-decide", graph.erasure_request.pk), {"decision": "approve"}
        )
    assert response.status_code == 302
    migrant = Migrant.objects.get(pk=graph.closed_migrant.pk)
    assert (migrant.last_name, migrant.first_name) == (ANONYMISED, "")
    assert ErasureRequest.objects.get(pk=graph.erasure_request.pk).status == "approved"


def test_supervisor_rejects_with_a_note(supervisor_client, graph):
    supervisor_client.post(
        _url("erasure-decide", graph.erasure_request.pk),
        {"decision": "reject", "decision_note": "Akte wird noch gebraucht"},
    )
    decided = ErasureRequest.objects.get(pk=graph.erasure_request.pk)
    assert (decided.status, decided.decision_note) == ("rejected", "Akte wird noch gebraucht")
    assert Migrant.objects.get(pk=graph.closed_migrant.pk).first_name == "Yusuf"


def test_rejecting_without_a_note_changes_nothing(supervisor_client, graph):
    response = supervisor_client.post(
        _url("erasure-decide", graph.erasure_request.pk), {"decision": "reject"}
    )
    assert response.status_code == 302
    assert ErasureRequest.objects.get(pk=graph.erasure_request.pk).status == "pending"


def test_counsellor_cannot_decide(counsellor_client, graph):
    response = counsellor_client.post(
        _url("erasure-decide", graph.erasure_request.pk), {"decision": "approve"}
    )
    assert response.status_code == 403
    assert Migrant.objects.get(pk=graph.closed_migrant.pk).anonymised_at is None


def test_supervisor_of_another_centre_gets_not_found(client, graph, other_centre):
    client.force_login(supervisor_of(other_centre))
    response = client.post(
        _url("erasure-decide", graph.erasure_request.pk), {"decision": "approve"}
    )
    assert response.status_code == 404
    assert Migrant.objects.get(pk=graph.closed_migrant.pk).anonymised_at is None


def test_a_supervisor_who_requested_cannot_approve_through_the_page(client, centre):
    boss = supervisor_of(centre)
    migrant = MigrantFactory(
        centre=centre, status=CaseStatus.CLOSED, closed_on=datetime.date(2026, 5, 1)
    )
    request = ErasureRequest.objects.create(migrant=migrant, reason="Frist", requested_by=boss)
    client.force_login(boss)
    response = client.post(_url("erasure-decide", request.pk), {"decision": "approve"})
    assert response.status_code == 302
    assert Migrant.objects.get(pk=migrant.pk).anonymised_at is None


# --- access log ------------------------------------------------------------------------


@pytest.fixture
def log_entries(graph, centre, other_centre, colleague):
    foreign = MigrantFactory(centre=other_centre, last_name="Fremd")
    stranger = counsellor_of(other_centre)
    when = timezone.make_aware(datetime.datetime(2026, 11, 2, 10, 0))
    return {
        "own": AccessLog.objects.create(
            user=colleague,
            centre=centre,
            migrant=graph.closed_migrant,
            action=AccessAction.DOWNLOAD_PDF,
            at=when,
        ),
        "foreign": AccessLog.objects.create(
            user=stranger, centre=other_centre, migrant=foreign, action=AccessAction.VIEW_PERSON
        ),
    }


def test_access_log_shows_the_supervisors_centre_only(supervisor_client, graph, log_entries):
    response = supervisor_client.get(_url("access-log"))
    assert response.status_code == 200
    shown = {entry.pk for entry in response.context["page"].object_list}
    assert shown == {graph.access_entry.pk, log_entries["own"].pk}


def test_access_log_filters_by_person_user_and_date(
    supervisor_client, graph, log_entries, colleague
):
    def shown(params):
        response = supervisor_client.get(_url("access-log"), params)
        return {entry.pk for entry in response.context["page"].object_list}

    own = log_entries["own"].pk
    assert shown({"person": "demir"}) == {own}
    assert shown({"person": graph.migrant.case_number}) == {graph.access_entry.pk}
    assert shown({"migrant": graph.closed_migrant.pk}) == {own}
    assert shown({"user": colleague.pk}) == {own}
    assert shown({"date_from": "2026-11-01", "date_to": "2026-11-03"}) == {own}
    assert shown({"action": AccessAction.VIEW_PERSON}) == {graph.access_entry.pk}


def test_access_log_refuses_a_user_of_another_centre_as_filter(supervisor_client, log_entries):
    stranger = log_entries["foreign"].user
    response = supervisor_client.get(_url("access-log"), {"user": stranger.pk})
    assert list(response.context["form"].errors) == ["user"]
    assert list(response.context["page"].object_list) == []


def test_access_log_with_reversed_dates_says_so(supervisor_client, log_entries):
    response = supervisor_client.get(
        _url("access-log"), {"date_from": "2026-12-01", "date_to": "2026-11-01"}
    )
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["__all__"]


def test_access_log_is_for_supervisors(counsellor_client, graph):
    assert counsellor_client.get(_url("access-log")).status_code == 403


def test_access_log_needs_the_same_queries_for_one_and_fifty_entries(
    supervisor_client, graph, centre, django_assert_num_queries
):
    def page_queries():
        with django_assert_num_queries(9) as captured:
            supervisor_client.get(_url("access-log"))
        return len(captured.captured_queries)

    first = page_queries()
    for _ in range(49):
        AccessLog.objects.create(
            user=graph.counsellor,
            centre=centre,
            migrant=graph.migrant,
            action=AccessAction.VIEW_PERSON,
        )
    assert page_queries() == first


# --- withdrawn consents ----------------------------------------------------------------


def test_withdrawn_consent_list_shows_the_centres_flagged_steps(
    counsellor_client, client, graph, outsider
):
    response = counsellor_client.get(_url("withdrawn-consents"))
    assert [step.pk for step in response.context["page"].object_list] == [graph.draft_step.pk]
    client.force_login(outsider)
    response = client.get(_url("withdrawn-consents"))
    assert list(response.context["page"].object_list) == []


def test_a_second_erasure_request_says_why_it_is_refused(counsellor_client, centre):
    migrant = MigrantFactory(
        centre=centre, status=CaseStatus.CLOSED, closed_on=datetime.date(2026, 5, 1)
    )
    url = _url("erasure-request", migrant.pk)
    assert counsellor_client.post(url, {"reason": "Wunsch"}).status_code == 302
    response = counsellor_client.post(url, {"reason": "noch einmal"})
    assert response.status_code == 200
    assert 'class="alert alert-danger" role="alert"' in response.content.decode()
    assert ErasureRequest.objects.filter(migrant=migrant).count() == 1
