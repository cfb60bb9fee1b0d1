"""`manage.py anonymise_expired`: closed cases past the retention period lose their names."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from integration.privacy import ANONYMISED
from people.enums import CaseStatus
from people.models import ErasureRequest, Migrant
from tests.factories import MigrantFactory, SessionFactory


def _closed(centre, counsellor, years_ago: float, **kwargs) -> Migrant:
    closed_on = timezone.localdate() - datetime.timedelta(days=round(365.25 * years_ago))
    migrant = MigrantFactory(
        centre=centre,
        counsellor=counsellor,
        status=CaseStatus.CLOSED,
        closed_on=closed_on,
        intake_on=closed_on - datetime.timedelta(days=200),
        **kwargs,
    )
    SessionFactory(migrant=migrant, held_on=closed_on, notes="persönliche Notiz")
    return migrant


@pytest.fixture
def cases(centre, counsellor):
    return {
        "expired": _closed(centre, counsellor, 3.2, last_name="Abgelaufen"),
        "recent": _closed(centre, counsellor, 2.5, last_name="Frisch"),
        "active": MigrantFactory(centre=centre, counsellor=counsellor, last_name="Aktiv"),
    }


def _run(*args) -> str:
    out = StringIO()
    call_command("anonymise_expired", *args, stdout=out)
    return out.getvalue()


def test_dry_run_lists_the_expired_cases_and_changes_nothing(cases):
    output = _run("--dry-run")
    assert cases["expired"].case_number in output
    assert cases["recent"].case_number not in output
    assert "Abgelaufen" not in output  # the list carries case numbers, never names
    assert Migrant.objects.filter(anonymised_at__isnull=False).count() == 0
    assert Migrant.objects.get(pk=cases["expired"].pk).last_name == "Abgelaufen"


def test_the_command_anonymises_only_cases_past_the_period(cases):
    _run()
    names = dict(Migrant.objects.values_list("pk", "last_name"))
    assert names == {
        cases["expired"].pk: ANONYMISED,
        cases["recent"].pk: "Frisch",
        cases["active"].pk: "Aktiv",
    }
    assert cases["expired"].sessions.get().notes == ""


def test_running_twice_is_harmless(cases):
    _run()
    first = Migrant.objects.get(pk=cases["expired"].pk)
    output = _run()
    second = Migrant.objects.get(pk=cases["expired"].pk)
    assert (second.case_number, second.anonymised_at) == (first.case_number, first.anonymised_at)
    assert "Anonymised 0 case(s)." in output


def test_the_retention_period_comes_from_the_settings(cases, settings):
    settings.RETENTION_YEARS = 2
    _run()
    assert set(
        Migrant.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True)
    ) == {cases["expired"].pk, cases["recent"].pk}


def test_years_can_be_given_on_the_command_line(cases):
    _run("--years", "10")
    assert Migrant.objects.filter(anonymised_at__isnull=False).count() == 0
    with pytest.raises(CommandError):
        _run("--years", "0")


def test_a_pending_request_is_settled_by_the_expiry(cases, counsellor):
    request = ErasureRequest.objects.create(
        migrant=cases["expired"], reason="Wunsch", requested_by=counsellor
    )
    _run()
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (ErasureRequest.Status.APPROVED, None)
