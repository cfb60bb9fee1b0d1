"""Every list is filtered by a django-filter FilterSet: the same query parameters as before,
and a value the filter does not know is dropped (or shows nothing), never a server error."""

import pytest
from django.urls import reverse

from agreements.enums import AgreementStatus, GoalStatus
from sites.enums import Area, PartnerKind
from tests.factories import (
    AgreementFactory,
    GoalFactory,
    MigrantFactory,
    PartnerFactory,
    SignedAgreementFactory,
)


def _numbers(response) -> list[str]:
    return sorted(agreement.number for agreement in response.context["page"])


def test_agreement_list_filters_by_status_and_own(counsellor_client, counsellor, colleague, centre):
    mine = SignedAgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=counsellor))
    theirs = SignedAgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=colleague))
    draft = AgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=counsellor))
    url = reverse("agreements:list")

    active = counsellor_client.get(url, {"status": AgreementStatus.ACTIVE})
    own_active = counsellor_client.get(url, {"status": AgreementStatus.ACTIVE, "mine": "1"})
    unknown = counsellor_client.get(url, {"status": "nonsense", "mine": "yes"})

    assert _numbers(active) == sorted([mine.number, theirs.number])
    assert _numbers(own_active) == [mine.number]
    assert (unknown.status_code, _numbers(unknown)) == (
        200,
        sorted([mine.number, theirs.number, draft.number]),
    )


def test_partner_list_filters_by_kind_and_ignores_an_unknown_one(counsellor_client, centre):
    jobcenter = PartnerFactory(municipality=centre.municipality, kind=PartnerKind.JOBCENTER)
    kita = PartnerFactory(municipality=centre.municipality, kind=PartnerKind.CHILDCARE, name="Kita")
    url = reverse("sites:partner-list")

    kitas = counsellor_client.get(url, {"kind": PartnerKind.CHILDCARE})
    unknown = counsellor_client.get(url, {"kind": "nonsense"})

    assert [p.pk for p in kitas.context["page"]] == [kita.pk]
    assert unknown.status_code == 200
    assert {p.pk for p in unknown.context["page"]} == {jobcenter.pk, kita.pk}


@pytest.mark.parametrize("name", ["agreements:reviews-due", "agreements:steps-due"])
def test_due_lists_survive_bad_filters_and_offer_all_counsellors(supervisor_client, name):
    response = supervisor_client.get(reverse(name), {"counsellor": "abc", "state": "nonsense"})

    assert response.status_code == 200
    assert response.context["form"].fields["counsellor"].choices[0] == ("", "alle")


@pytest.mark.parametrize(
    "query", [{"migrant": "abc"}, {"date_from": "2026-13-45"}, {"centre": "999999"}]
)
def test_access_log_with_a_bad_filter_shows_nothing_and_says_why(supervisor_client, query):
    response = supervisor_client.get(reverse("integration:access-log"), query)

    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert response.context["form"].errors


def test_dashboard_goal_list_filters_by_area_status_and_counsellor(
    supervisor_client, centre, counsellor, colleague
):
    mine = SignedAgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=counsellor))
    theirs = SignedAgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=colleague))
    language = GoalFactory(agreement=mine, area=Area.LANGUAGE, status=GoalStatus.ACHIEVED)
    GoalFactory(agreement=mine, area=Area.WORK, status=GoalStatus.ACHIEVED)
    GoalFactory(agreement=theirs, area=Area.LANGUAGE, status=GoalStatus.ACHIEVED)
    url = reverse("agreements:dashboard-list")
    query = {"figure": "goals", "area": Area.LANGUAGE, "status": GoalStatus.ACHIEVED}

    response = supervisor_client.get(url, {**query, "counsellor": counsellor.pk})

    assert [goal.pk for goal in response.context["page"]] == [language.pk]
    assert response.context["filters"][1:] == [str(counsellor), "Deutsche Sprache", "erreicht"]


def test_dashboard_lists_drop_what_their_figure_does_not_have(
    supervisor_client, centre, counsellor
):
    signed = SignedAgreementFactory(migrant=MigrantFactory(centre=centre, counsellor=counsellor))
    url = reverse("agreements:dashboard-list")
    every = {a.pk for a in supervisor_client.get(url, {"figure": "agreements"}).context["page"]}

    # a goal status, an area and a counsellor that is no number mean nothing for agreements
    response = supervisor_client.get(
        url, {"figure": "agreements", "status": "achieved", "area": "language", "counsellor": "x"}
    )

    assert response.status_code == 200
    assert {a.pk for a in response.context["page"]} == every == {signed.pk}
