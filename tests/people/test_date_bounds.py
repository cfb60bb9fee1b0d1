"""Every date entered about a person has a plausible range (issue 21: an intake date of
1000-01-01 was accepted): the forms mark the field in German, the services refuse the same
values from any other caller."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from people.models import Consent, CounsellingSession, Migrant
from people.services import (
    close_case,
    create_migrant,
    record_consent,
    record_session,
    update_migrant,
    update_session,
    withdraw_consent,
)
from sites.errors import RuleError
from tests.factories import ConsentFactory, MigrantFactory, PartnerFactory, SessionFactory
from tests.people.test_migrant_pages import _person_data


def _years_ahead(years: int) -> str:
    return (timezone.localdate() + datetime.timedelta(days=365 * years + 2)).isoformat()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"intake_on": "1000-01-01"}, "intake_on", "Bitte prüfen Sie das Aufnahmedatum."),
        ({"intake_on": "1999-12-31"}, "intake_on", "Bitte prüfen Sie das Aufnahmedatum."),
        ({"intake_on": _years_ahead(1)}, "intake_on", "Das Aufnahmedatum kann nicht"),
        (
            {"date_of_birth": "1000-01-01", "arrival_on": ""},
            "date_of_birth",
            "Bitte prüfen Sie das Geburtsdatum.",
        ),
        (
            {"date_of_birth": "", "arrival_on": "1899-12-31"},
            "arrival_on",
            "Bitte prüfen Sie das Einreisedatum.",
        ),
        (
            {"residence_issued_on": "0001-01-01"},
            "residence_issued_on",
            "Bitte prüfen Sie das Ausstellungsdatum des Aufenthaltstitels.",
        ),
        (
            {"residence_issued_on": _years_ahead(1)},
            "residence_issued_on",
            "Ein Aufenthaltstitel kann nicht in der Zukunft ausgestellt werden.",
        ),
        (
            {"residence_valid_until": _years_ahead(31)},
            "residence_valid_until",
            "Bitte prüfen Sie, bis wann der Aufenthaltstitel gilt.",
        ),
    ],
)
def test_the_person_form_refuses_implausible_dates_in_german(
    counsellor_client, overrides, field, message
):
    response = counsellor_client.post(
        reverse("integration:migrant-create"), _person_data(**overrides)
    )

    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Migrant.objects.count() == 0


def test_the_session_form_refuses_an_appointment_years_ahead(counsellor_client, counsellor, centre):
    migrant = MigrantFactory(counsellor=counsellor, centre=centre)
    data = {
        "held_on": timezone.localdate().isoformat(),
        "duration_minutes": "45",
        "mode": "in_person",
        "interpreter": "none",
        "next_appointment": _years_ahead(3) + "T10:00",
    }
    response = counsellor_client.post(reverse("integration:session-add", args=[migrant.pk]), data)

    assert response.status_code == 400
    assert "mehr als zwei Jahre" in " ".join(response.context["form"].errors["next_appointment"])
    assert not CounsellingSession.objects.exists()


@pytest.mark.parametrize("given_on", ["1000-01-01", "1999-12-31"])
def test_the_consent_form_refuses_an_implausible_date(
    counsellor_client, counsellor, centre, given_on
):
    migrant = MigrantFactory(counsellor=counsellor, centre=centre)
    partner = PartnerFactory(municipality=migrant.centre.municipality)
    data = {
        "recipient_partner": partner.pk,
        "data_categories": "Name",
        "purpose": "Kurs",
        "form": "written",
        "given_on": given_on,
    }
    response = counsellor_client.post(reverse("integration:consent-add", args=[migrant.pk]), data)

    assert "Bitte prüfen Sie das Datum der Einwilligung." in response.content.decode()
    assert not Consent.objects.exists()


# --- the services ------------------------------------------------------------------------


@pytest.fixture
def migrant(counsellor, centre):
    return MigrantFactory(centre=centre, counsellor=counsellor, intake_on=datetime.date(2026, 1, 5))


@pytest.mark.parametrize(
    "values",
    [
        {"intake_on": datetime.date(1000, 1, 1)},
        {"date_of_birth": datetime.date(1000, 1, 1)},
        {"arrival_on": datetime.date(1899, 12, 31)},
        {"residence_issued_on": datetime.date(1, 1, 1)},
        {"residence_valid_until": datetime.date(9999, 12, 31)},
    ],
)
def test_the_person_services_refuse_implausible_dates(counsellor, centre, migrant, values):
    with pytest.raises(RuleError):
        update_migrant(
            user=counsellor, migrant=migrant, values=values, expected_revision=migrant.revision
        )
    with pytest.raises(RuleError):
        create_migrant(
            user=counsellor, centre=centre, values={"first_name": "A", "last_name": "B", **values}
        )
    assert Migrant.objects.get().revision == migrant.revision


@pytest.mark.parametrize(
    "values",
    [
        {"held_on": datetime.date(1000, 1, 1)},
        {"next_appointment": timezone.now() + datetime.timedelta(days=365 * 3)},
    ],
)
def test_the_session_services_refuse_implausible_dates(counsellor, migrant, values):
    session = SessionFactory(migrant=migrant, held_on=datetime.date(2026, 1, 5))
    base = {"held_on": datetime.date(2026, 1, 5), "duration_minutes": 45, "interpreter": "none"}
    with pytest.raises(RuleError):
        record_session(user=counsellor, migrant=migrant, values={**base, **values})
    with pytest.raises(RuleError):
        update_session(
            user=counsellor, session=session, values={**base, **values}, expected_revision=1
        )
    assert list(CounsellingSession.objects.values_list("held_on", "revision")) == [
        (datetime.date(2026, 1, 5), 1)
    ]


def test_the_consent_services_refuse_implausible_dates(counsellor, migrant, centre):
    values = {
        "recipient_partner": PartnerFactory(municipality=centre.municipality),
        "data_categories": "Name",
        "purpose": "Kurs",
        "form": "written",
        "given_on": datetime.date(1000, 1, 1),
    }
    with pytest.raises(RuleError):
        record_consent(user=counsellor, migrant=migrant, values=values)
    consent = ConsentFactory(migrant=migrant, given_on=datetime.date(2026, 1, 5))
    with pytest.raises(RuleError):
        withdraw_consent(user=counsellor, consent=consent, withdrawn_on=datetime.date(1000, 1, 1))
    assert list(Consent.objects.values_list("withdrawn_on", flat=True)) == [None]


def test_closing_a_case_refuses_an_implausible_date(counsellor, migrant):
    with pytest.raises(RuleError):
        close_case(
            user=counsellor, migrant=migrant, closed_on=datetime.date(1000, 1, 1), reason="moved"
        )
    assert Migrant.objects.get().closed_on is None


def test_dates_at_the_edges_of_their_ranges_are_accepted(counsellor, migrant):
    today = timezone.localdate()
    values = {
        "date_of_birth": datetime.date(1900, 1, 1),
        "arrival_on": today,
        "residence_issued_on": today,
        "residence_valid_until": today + datetime.timedelta(days=365 * 30),
        "intake_on": datetime.date(2000, 1, 1),
    }
    saved = update_migrant(
        user=counsellor, migrant=migrant, values=values, expected_revision=migrant.revision
    )
    assert saved.intake_on == datetime.date(2000, 1, 1)
