"""The database going away in the middle of a write: a friendly 503, nothing half-written.

The failure is injected with `connection.execute_wrapper` at one SQL statement inside a
real service call, after earlier statements of the same request have already written.
On PostgreSQL a second test kills the server process of the connection for real
(`pg_terminate_backend`), so the driver, Django's transaction handling and the middleware
all meet a genuinely dead connection.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.storage import default_storage
from django.db import OperationalError, connection
from django.urls import reverse

from agreements.guard import terms_unlocked
from people.enums import CaseStatus
from people.models import AccessLog, ErasureRequest, Migrant
from tests.factories import CaseGraph, MigrantFactory


class DatabaseGoesAway:
    """Execute wrapper: the first statement containing `needle` finds the database gone.

    Statements before it run normally, so the request has already written something that
    must be rolled back.
    """

    def __init__(self, needle: str, *, kill_backend: bool = False):
        self.needle = needle
        self.kill_backend = kill_backend
        self.fired = False
        self.statements_before: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if not self.fired and self.needle in sql:
            self.fired = True
            if self.kill_backend:
                # The server ends this connection's process; the statement fails for real.
                execute("SELECT pg_terminate_backend(pg_backend_pid())", None, False, context)
            raise OperationalError("server closed the connection unexpectedly")
        if not self.fired:
            self.statements_before.append(sql.split(" ", 1)[0].upper())
        return execute(sql, params, many, context)


def _assert_friendly_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert [t.name for t in response.templates][:1] == ["503.html"]


@pytest.fixture
def graph(centre, counsellor, supervisor):
    return CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)


def test_outage_while_anonymising_leaves_the_case_untouched(
    supervisor_client, graph, django_capture_on_commit_callbacks
):
    migrant = graph.closed_migrant
    outage = DatabaseGoesAway('UPDATE "agreements_historicalgoal"')
    # The person's own case must have agreements for the break to hit mid-way.
    graph.signed.migrant = migrant
    with terms_unlocked():  # test data: the migrant is a term of the signed version
        graph.signed.save()
    url = reverse("integration:erasure-decide", args=[graph.erasure_request.pk])

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        connection.execute_wrapper(outage),
    ):
        response = supervisor_client.post(url, {"decision": "approve"})

    assert outage.fired
    assert "UPDATE" in outage.statements_before  # the migrant row had been written
    _assert_friendly_503(response)
    fresh = Migrant.objects.get(pk=migrant.pk)
    assert (fresh.first_name, fresh.case_number, fresh.anonymised_at) == (
        "Yusuf",
        migrant.case_number,
        None,
    )
    assert ErasureRequest.objects.get(pk=graph.erasure_request.pk).status == "pending"
    assert callbacks == []  # no file deletion was scheduled
    assert default_storage.exists(graph.document.pdf.name)


def test_outage_while_closing_a_case_keeps_it_open(counsellor_client, counsellor, centre):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    history_rows = migrant.history.count()
    outage = DatabaseGoesAway('INSERT INTO "integration_historicalmigrant"')

    with connection.execute_wrapper(outage):
        response = counsellor_client.post(
            reverse("integration:migrant-close", args=[migrant.pk]),
            {"closed_on": "2026-11-01", "reason": "moved", "note": "nach Hamburg"},
        )

    assert outage.fired
    _assert_friendly_503(response)
    fresh = Migrant.objects.get(pk=migrant.pk)
    assert (fresh.status, fresh.closed_on, fresh.revision) == (
        CaseStatus.ACTIVE,
        None,
        migrant.revision,
    )
    assert fresh.history.count() == history_rows


def test_the_503_page_needs_no_database_and_no_inline_code(counsellor_client, counsellor, centre):
    migrant = MigrantFactory(centre=centre, counsellor=counsellor)
    with connection.execute_wrapper(
        DatabaseGoesAway('INSERT INTO "integration_historicalmigrant"')
    ):
        response = counsellor_client.post(
            reverse("integration:migrant-close", args=[migrant.pk]),
            {"closed_on": "2026-11-01", "reason": "moved"},
        )
    page = response.content.decode()
    assert response.status_code == 503
    assert "<script" not in page and "style=" not in page
    assert AccessLog.objects.count() == 0


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="killing a server process needs PostgreSQL"
)
@pytest.mark.django_db(transaction=True)
def test_a_killed_database_connection_mid_request_gives_503_and_rolls_back(client):
    from sites.enums import Role
    from tests.factories import CentreFactory, MembershipFactory

    centre = CentreFactory(code="PG")
    user = MembershipFactory(centre=centre, role=Role.COUNSELLOR).user
    migrant = MigrantFactory(centre=centre, counsellor=user, intake_on=datetime.date(2026, 1, 5))
    client.force_login(user)
    outage = DatabaseGoesAway('INSERT INTO "integration_historicalmigrant"', kill_backend=True)
    backend_before = connection.cursor().connection.info.backend_pid

    with connection.execute_wrapper(outage):
        response = client.post(
            reverse("integration:migrant-close", args=[migrant.pk]),
            {"closed_on": "2026-11-01", "reason": "moved"},
        )

    assert outage.fired
    _assert_friendly_503(response)
    # A new server process answers now; the old one, with its transaction, is gone.
    assert connection.cursor().connection.info.backend_pid != backend_before
    fresh = Migrant.objects.get(pk=migrant.pk)
    assert (fresh.status, fresh.closed_on) == (CaseStatus.ACTIVE, None)
