"""The supervisor dashboard: figures that match an independent count, links to the rows
behind every figure, per centre and per municipality, supervisors only, constant queries."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from agreements.enums import AgreementStatus, GoalStatus
from agreements.models import Agreement, Goal
from people.enums import CaseStatus
from people.models import CounsellingSession, Migrant
from sites.enums import Area
from tests.factories import (
    AgreementFactory,
    CentreFactory,
    GoalFactory,
    MigrantFactory,
    SessionFactory,
    SignedAgreementFactory,
    counsellor_of,
    supervisor_of,
)

pytestmark = pytest.mark.django_db


def _days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def _caseload(centre, counsellor, *, seed: int) -> None:
    """A varied caseload; `seed` shifts the numbers so counsellors differ."""
    today = timezone.localdate()
    people = [
        MigrantFactory(centre=centre, counsellor=counsellor, intake_on=_days(-400 - i))
        for i in range(2 + seed)
    ]
    people.append(MigrantFactory(centre=centre, counsellor=counsellor, intake_on=today))
    people.append(
        MigrantFactory(
            centre=centre,
            counsellor=counsellor,
            intake_on=today.replace(day=1),
            status=CaseStatus.CLOSED,
            closed_on=today,
        )
    )
    AgreementFactory(migrant=people[0])
    overdue = SignedAgreementFactory(
        migrant=people[1], signed_on=_days(-200), next_review_on=_days(-1 - seed)
    )
    soon = SignedAgreementFactory(migrant=people[2], signed_on=_days(-100), next_review_on=_days(6))
    SignedAgreementFactory(
        migrant=people[-2],
        signed_on=_days(-300),
        status=AgreementStatus.COMPLETED,
        ended_on=_days(-10),
        next_review_on=None,
        number=f"{people[-2].case_number}-X",
    )
    SignedAgreementFactory(
        migrant=people[-2],
        signed_on=_days(-400),
        status=AgreementStatus.SUPERSEDED,
        number=f"{people[-2].case_number}-Y",
    )
    for goal_status, area in [
        (GoalStatus.ACHIEVED, Area.LANGUAGE),
        (GoalStatus.ACHIEVED, Area.WORK),
        (GoalStatus.IN_PROGRESS, Area.LANGUAGE),
    ][: 2 + seed % 2]:
        GoalFactory(agreement=overdue, status=goal_status, area=area)
    GoalFactory(agreement=soon, status=GoalStatus.ACHIEVED, area=Area.CHILDCARE)
    for days_ago in [0, 5, 29, 30, 45][: 3 + seed]:
        SessionFactory(migrant=people[0], counsellor=counsellor, held_on=_days(-days_ago))


def _expected(counsellor, centres) -> dict:
    """The same figures, counted in Python from every row (no aggregation in SQL)."""
    today = timezone.localdate()
    ids = {c.pk for c in centres}
    people = [m for m in Migrant.objects.all() if m.centre_id in ids]
    agreements = [
        a
        for a in Agreement.objects.all()
        if a.centre_id in ids and a.status != AgreementStatus.SUPERSEDED
    ]
    mine = [a for a in agreements if a.counsellor_id == counsellor.pk]
    goals = [
        g
        for g in Goal.objects.select_related("agreement")
        if g.agreement.centre_id in ids
        and g.agreement.counsellor_id == counsellor.pk
        and g.agreement.status != AgreementStatus.DRAFT
        and g.agreement.status != AgreementStatus.SUPERSEDED
    ]
    active = [a for a in mine if a.status == AgreementStatus.ACTIVE]
    return {
        "active_cases": sum(
            1 for m in people if m.counsellor_id == counsellor.pk and m.status == CaseStatus.ACTIVE
        ),
        "new_cases": sum(
            1
            for m in people
            if m.counsellor_id == counsellor.pk
            and (m.intake_on.year, m.intake_on.month) == (today.year, today.month)
        ),
        "agreements": {
            status: sum(1 for a in mine if a.status == status)
            for status in ["draft", "active", "completed", "ended_early"]
        },
        "reviews_overdue": sum(1 for a in active if a.next_review_on < today),
        "reviews_due": sum(1 for a in active if 0 <= (a.next_review_on - today).days < 7),
        "sessions": sum(
            1
            for s in CounsellingSession.objects.select_related("migrant")
            if s.counsellor_id == counsellor.pk
            and s.migrant.centre_id in ids
            and 0 <= (today - s.held_on).days < 30
        ),
        "goals_achieved": sum(1 for g in goals if g.status == GoalStatus.ACHIEVED),
        "goals_total": len(goals),
    }


def _figures(line) -> dict:
    f = line.figures
    return {
        "active_cases": f.active_cases,
        "new_cases": f.new_cases,
        "agreements": dict(f.agreements),
        "reviews_overdue": f.reviews_overdue,
        "reviews_due": f.reviews_due,
        "sessions": f.sessions,
        "goals_achieved": f.goals_achieved,
        "goals_total": f.goals_total,
    }


def test_dashboard_figures_match_an_independent_count(
    supervisor_client, centre, counsellor, colleague, other_centre, outsider
):
    _caseload(centre, counsellor, seed=0)
    _caseload(centre, colleague, seed=1)
    _caseload(other_centre, outsider, seed=2)  # not in scope
    response = supervisor_client.get(reverse("agreements:dashboard"))
    assert response.status_code == 200
    lines = {line.label: line for line in response.context["counsellors"]}
    assert set(lines) == {str(counsellor), str(colleague)}
    for user in (counsellor, colleague):
        assert _figures(lines[str(user)]) == _expected(user, [centre])
    total = response.context["board"].total
    assert (
        total.active_cases
        == Migrant.objects.filter(centre=centre, status=CaseStatus.ACTIVE).count()
    )


def test_goals_achieved_by_area_per_counsellor(supervisor_client, centre, counsellor):
    _caseload(centre, counsellor, seed=1)
    response = supervisor_client.get(reverse("agreements:dashboard"))
    (line,) = response.context["counsellors"]
    shown = {area: (c.achieved, c.total) for area, c in line.area_counts}
    assert shown == {
        Area.LANGUAGE: (1, 2),
        Area.WORK: (1, 1),
        Area.CHILDCARE: (1, 1),
    }


class _Links(HTMLParser):
    """(href, text) of every link inside the element with the given id."""

    def __init__(self, element_id: str):
        super().__init__()
        self.element_id, self.depth, self.links, self._href = element_id, 0, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth:
            self.depth += 1
        elif attrs.get("id") == self.element_id:
            self.depth = 1
        if self.depth and tag == "a":
            self._href, self._text = attrs["href"], ""

    def handle_endtag(self, tag):
        if self.depth and tag == "a" and self._href:
            self.links.append((self._href, self._text.strip()))
            self._href = None
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self._href:
            self._text += data


def test_every_figure_opens_a_list_of_exactly_that_many_rows(
    supervisor_client, centre, counsellor, colleague
):
    _caseload(centre, counsellor, seed=0)
    _caseload(centre, colleague, seed=1)
    page = supervisor_client.get(reverse("agreements:dashboard")).content.decode()
    parser = _Links("counsellor-table")
    parser.feed(page)
    figure_links = [(href, text) for href, text in parser.links if text.isdigit()]
    assert len(figure_links) == 2 * 11 + 11  # two counsellors and the total line
    for href, text in figure_links:
        listed = supervisor_client.get(href.replace("&amp;", "&"))
        assert listed.status_code == 200, href
        assert listed.context["page"].paginator.count == int(text), href


def test_the_counsellors_name_opens_the_caseload_list_filtered(
    supervisor_client, centre, counsellor
):
    _caseload(centre, counsellor, seed=0)
    page = supervisor_client.get(reverse("agreements:dashboard")).content.decode()
    parser = _Links("counsellor-table")
    parser.feed(page)
    caseload = {text: href for href, text in parser.links}[str(counsellor)]
    listed = supervisor_client.get(caseload.replace("&amp;", "&"))
    assert listed.status_code == 200
    assert listed.context["page"].paginator.count == _expected(counsellor, [centre])["active_cases"]


def test_a_supervisor_of_several_centres_sees_the_municipality_and_each_centre(client):
    first = CentreFactory()
    second = CentreFactory(municipality=first.municipality)
    elsewhere = CentreFactory()
    lead = supervisor_of(first)
    supervisor_of(second, user=lead)
    supervisor_of(elsewhere, user=lead)
    one, two = counsellor_of(first), counsellor_of(second)
    _caseload(first, one, seed=0)
    _caseload(second, two, seed=1)
    client.force_login(lead)
    response = client.get(reverse("agreements:dashboard"))
    scopes = [scope.key for scope in response.context["scopes"]]
    municipality = f"m{first.municipality_id}"
    assert municipality in scopes and f"c{elsewhere.pk}" in scopes
    response = client.get(reverse("agreements:dashboard"), {"scope": municipality})
    centres = {line.label: line.figures for line in response.context["centres"]}
    assert set(centres) == {first.name, second.name}
    assert centres[first.name].active_cases == _expected(one, [first])["active_cases"]
    assert centres[second.name].sessions == _expected(two, [second])["sessions"]
    total = response.context["board"].total
    assert total.reviews_overdue == (
        _expected(one, [first])["reviews_overdue"] + _expected(two, [second])["reviews_overdue"]
    )
    only_first = client.get(reverse("agreements:dashboard"), {"scope": f"c{first.pk}"})
    assert [line.label for line in only_first.context["counsellors"]] == [str(one)]
    assert only_first.context["centres"] == []


def test_a_counsellor_who_left_still_shows_with_the_cases_they_hold(
    supervisor_client, centre, counsellor
):
    leaver = counsellor_of(centre)
    _caseload(centre, leaver, seed=0)
    leaver.memberships.all().delete()
    response = supervisor_client.get(reverse("agreements:dashboard"))
    lines = {line.label: line.figures for line in response.context["counsellors"]}
    assert set(lines) == {str(counsellor), str(leaver)}
    assert lines[str(leaver)].active_cases == 3


@pytest.mark.parametrize(
    "name",
    ["agreements:dashboard", "agreements:dashboard-list", "agreements:evaluation"],
)
def test_counsellors_cannot_open_the_supervisor_pages(counsellor_client, name):
    response = counsellor_client.get(reverse(name), {"figure": "new_cases"})
    assert response.status_code == 403
    assert response.templates[0].name == "403.html"


def test_counsellors_cannot_export_the_evaluation(counsellor_client, centre):
    response = counsellor_client.post(
        reverse("agreements:evaluation-export"),
        {
            "date_from": "2026-01-01",
            "date_to": "2026-12-31",
            "centres": [centre.pk],
            "format": "csv",
        },
    )
    assert response.status_code == 403


def test_a_scope_of_another_centre_is_not_found(supervisor_client, other_centre):
    for name in ("agreements:dashboard", "agreements:dashboard-list"):
        response = supervisor_client.get(
            reverse(name), {"scope": f"c{other_centre.pk}", "figure": "new_cases"}
        )
        assert response.status_code == 404, name
    response = supervisor_client.get(
        reverse("agreements:reviews-due"), {"scope": f"c{other_centre.pk}"}
    )
    assert response.status_code == 404


def test_the_figure_list_never_shows_another_centres_rows(
    supervisor_client, centre, counsellor, other_centre, outsider
):
    _caseload(other_centre, outsider, seed=0)
    response = supervisor_client.get(
        reverse("agreements:dashboard-list"),
        {"figure": "active_cases", "counsellor": outsider.pk},
    )
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 0


def test_the_dashboard_costs_the_same_queries_for_one_counsellor_and_for_twenty(
    client, centre, django_assert_num_queries
):
    lead = supervisor_of(centre)
    client.force_login(lead)
    _caseload(centre, counsellor_of(centre), seed=0)
    client.get(reverse("agreements:dashboard"))
    # session, user, memberships; cases, agreements, sessions, goals, counsellors;
    # the savepoint pair around the view
    with django_assert_num_queries(10):
        assert len(client.get(reverse("agreements:dashboard")).context["counsellors"]) == 1
    for index in range(19):
        _caseload(centre, counsellor_of(centre), seed=index % 3)
    with django_assert_num_queries(10):
        assert len(client.get(reverse("agreements:dashboard")).context["counsellors"]) == 20


@pytest.mark.parametrize("figure", ["new_cases", "active_cases", "agreements", "sessions", "goals"])
def test_each_figure_list_costs_the_same_queries_at_one_and_twenty_rows(
    supervisor_client, centre, counsellor, figure, django_assert_num_queries
):
    _caseload(centre, counsellor, seed=0)
    url = reverse("agreements:dashboard-list")
    supervisor_client.get(url, {"figure": figure})
    # session, user, memberships, count, rows, the counsellor's name; the savepoint pair
    # around the view
    with django_assert_num_queries(8):
        supervisor_client.get(url, {"figure": figure, "counsellor": counsellor.pk})
    for index in range(20):
        _caseload(centre, counsellor, seed=index % 3)
    with django_assert_num_queries(8):
        response = supervisor_client.get(url, {"figure": figure, "counsellor": counsellor.pk})
    assert response.context["page"].paginator.count >= 20


def test_the_figure_list_names_no_user_outside_the_scope(supervisor_client, outsider):
    response = supervisor_client.get(
        reverse("agreements:dashboard-list"), {"figure": "sessions", "counsellor": outsider.pk}
    )
    assert response.status_code == 200
    assert str(outsider) not in response.content.decode()
