"""Merging two records of one person: everything moves with its history, four eyes, only
within one centre, never two open agreements."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from agreements.enums import AgreementStatus
from agreements.models import (
    OPEN_STATUSES,
    Agreement,
    Goal,
    GoalOutcome,
    Review,
    SignedDocument,
    Step,
)
from integration.merge import decide_merge, merge_blockers, request_merge
from integration.privacy import PersonRows
from people.enums import CaseStatus, ClosureReason
from people.models import (
    AccessLog,
    Child,
    Consent,
    CounsellingSession,
    MergeRequest,
    Migrant,
    Qualification,
)
from people.services import record_session
from sites.errors import RuleError
from tests.factories import (
    AgreementFactory,
    CaseGraph,
    MigrantFactory,
    SessionFactory,
    SignedAgreementFactory,
    supervisor_of,
)

PERSON_MODELS = (
    Child,
    Qualification,
    Consent,
    CounsellingSession,
    Agreement,
    Goal,
    Step,
    Review,
    GoalOutcome,
)


@pytest.fixture(autouse=True)
def _english():
    # The services' messages and history reasons are compared in English; the pages
    # below answer in the request's language, German.
    with translation.override("en"):
        yield


@pytest.fixture
def graph(centre, counsellor, supervisor):
    return CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)


@pytest.fixture
def second_supervisor(centre):
    return supervisor_of(centre)


@pytest.fixture
def kept(centre, counsellor):
    person = MigrantFactory(
        centre=centre, counsellor=counsellor, first_name="Amira", last_name="Haddad"
    )
    SessionFactory(migrant=person, counsellor=counsellor)
    return person


def _counts(migrant_id: int) -> dict[str, tuple[int, int]]:
    rows = PersonRows(migrant_id)
    return {
        model.__name__: (rows.live(model).count(), rows.history(model).count())
        for model in PERSON_MODELS
    }


def _merge(graph, kept, supervisor, second_supervisor):
    merge_request = request_merge(
        user=supervisor, merged=graph.migrant, kept=kept, reason="same passport number"
    )
    return decide_merge(user=second_supervisor, merge_request=merge_request, approve=True)


def test_merge_moves_every_record_and_every_version_to_the_kept_record(
    graph, kept, supervisor, second_supervisor
):
    merged_before, kept_before = _counts(graph.migrant.pk), _counts(kept.pk)
    agreement_versions = set(graph.migrant.agreements.values_list("pk", flat=True))
    access_entries = graph.migrant.access_log.count()

    _merge(graph, kept, supervisor, second_supervisor)

    assert _counts(graph.migrant.pk) == dict.fromkeys(merged_before, (0, 0))
    assert _counts(kept.pk) == {
        name: (live + merged_before[name][0], history + merged_before[name][1])
        for name, (live, history) in kept_before.items()
    }
    assert set(kept.agreements.values_list("pk", flat=True)) == agreement_versions
    assert SignedDocument.objects.get(pk=graph.document.pk).agreement.migrant_id == kept.pk
    assert AccessLog.objects.filter(migrant=kept).count() == access_entries


def test_merged_record_is_closed_points_to_the_kept_one_and_keeps_its_history(
    graph, kept, supervisor, second_supervisor
):
    history_before = graph.migrant.history.count()
    _merge(graph, kept, supervisor, second_supervisor)
    merged = Migrant.objects.get(pk=graph.migrant.pk)
    assert (merged.status, merged.closure_reason, merged.merged_into) == (
        CaseStatus.CLOSED,
        ClosureReason.MERGED,
        kept,
    )
    assert merged.history.count() == history_before + 1
    latest = merged.history.first()
    assert (latest.history_change_reason, latest.history_user) == (
        f"merged into {kept.case_number}",
        second_supervisor,
    )
    assert kept.history.first().history_change_reason == (
        f"{graph.migrant.case_number} merged into this record"
    )
    request = MergeRequest.objects.get()
    assert (request.status, request.requested_by, request.decided_by) == (
        MergeRequest.Status.MERGED,
        supervisor,
        second_supervisor,
    )


def test_the_requesting_supervisor_cannot_confirm_the_merge(graph, kept, supervisor):
    merge_request = request_merge(
        user=supervisor, merged=graph.migrant, kept=kept, reason="same person"
    )
    with pytest.raises(RuleError):
        decide_merge(user=supervisor, merge_request=merge_request, approve=True)
    assert Migrant.objects.get(pk=graph.migrant.pk).merged_into is None


def test_two_open_agreements_refuse_the_merge_and_say_what_to_do(graph, kept):
    AgreementFactory(migrant=kept, number=f"{kept.case_number}-IV1")
    problems = merge_blockers(merged=graph.migrant, kept=kept)
    assert len(problems) == 1
    assert "Both records have an open agreement" in problems[0]
    assert "End or complete one of them" in problems[0]


def test_an_ended_agreement_does_not_stand_in_the_way(graph, kept):
    SignedAgreementFactory(
        migrant=kept,
        number=f"{kept.case_number}-IV1",
        status=AgreementStatus.COMPLETED,
        ended_on=datetime.date(2026, 5, 1),
    )
    assert merge_blockers(merged=graph.migrant, kept=kept) == []


def test_records_of_two_centres_cannot_be_merged(graph, other_centre):
    stranger = MigrantFactory(centre=other_centre)
    assert merge_blockers(merged=graph.migrant, kept=stranger) == [
        "Only records of the same counselling centre can be merged."
    ]


def test_nothing_can_be_added_to_a_merged_record(
    graph, kept, supervisor, second_supervisor, counsellor
):
    _merge(graph, kept, supervisor, second_supervisor)
    with pytest.raises(RuleError):
        record_session(
            user=counsellor,
            migrant=graph.migrant,
            values={"held_on": datetime.date(2026, 5, 4), "duration_minutes": 30},
        )


# --- the pages -------------------------------------------------------------------------


def test_supervisors_merge_through_the_pages(client, graph, kept, supervisor, second_supervisor):
    client.force_login(supervisor)
    url = reverse("integration:merge", args=[graph.migrant.pk])
    response = client.post(url, {"kept": kept.case_number, "reason": "same passport"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Wartet auf eine Leitung, die den Antrag nicht selbst gestellt hat." in page

    client.force_login(second_supervisor)
    assert kept.case_number in client.get(reverse("integration:merge-list")).content.decode()
    response = client.post(
        reverse("integration:merge-decide", args=[graph.migrant.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert response.url == kept.get_absolute_url()
    assert Migrant.objects.get(pk=graph.migrant.pk).merged_into == kept

    old_page = client.get(graph.migrant.get_absolute_url()).content.decode()
    assert 'id="merged-notice"' in old_page
    assert kept.get_absolute_url() in old_page


def test_the_merge_page_proposes_the_possible_duplicates(client, graph, supervisor):
    twin = MigrantFactory(
        centre=graph.centre,
        first_name="Amira",
        last_name=graph.migrant.last_name.replace("-", " "),
        date_of_birth=graph.migrant.date_of_birth,
    )
    client.force_login(supervisor)
    response = client.get(reverse("integration:merge", args=[graph.migrant.pk]))
    assert response.context["candidates"] == [twin]
    assert response.context["form"].initial["kept"] == twin.case_number


def test_another_centres_case_number_names_nothing(client, graph, supervisor, other_centre):
    stranger = MigrantFactory(centre=other_centre)
    client.force_login(supervisor)
    response = client.post(
        reverse("integration:merge", args=[graph.migrant.pk]),
        {"kept": stranger.case_number, "reason": "same"},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["kept"] == [
        "Diese Stelle hat keinen Datensatz mit dieser Fallnummer."
    ]
    assert MergeRequest.objects.count() == 0


def test_a_counsellor_cannot_merge(client, graph, kept, counsellor):
    client.force_login(counsellor)
    url = reverse("integration:merge", args=[graph.migrant.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"kept": kept.case_number, "reason": "x"}).status_code == 403
    assert MergeRequest.objects.count() == 0


def test_a_supervisor_of_another_centre_gets_404(client, graph, other_centre):
    client.force_login(supervisor_of(other_centre))
    assert client.get(reverse("integration:merge", args=[graph.migrant.pk])).status_code == 404
    decide = reverse("integration:merge-decide", args=[graph.migrant.pk])
    assert client.post(decide, {"decision": "approve"}).status_code == 404


def test_an_open_agreement_that_moves_in_goes_to_the_kept_cases_counsellor(
    graph, centre, colleague, supervisor, second_supervisor
):
    kept = MigrantFactory(centre=centre, counsellor=colleague)
    _merge(graph, kept, supervisor, second_supervisor)
    open_agreements = Agreement.objects.filter(migrant=kept, status__in=OPEN_STATUSES)
    assert {agreement.counsellor for agreement in open_agreements} == {colleague}
    assert open_agreements.count() == 2  # the signed version and its amendment draft
