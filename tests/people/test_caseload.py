"""The caseload list: defaults per role, filters, search, paging and its query count."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from people.enums import CaseStatus
from people.models import normalise_for_search
from sites.enums import Role, ServiceType
from sites.http import PAGE_SIZE
from tests.factories import CentreFactory, MembershipFactory, MigrantFactory, SessionFactory

URL = "integration:migrant-list"


def _listed(client, **params) -> list:
    response = client.get(reverse(URL), params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def _closed(**kwargs):
    return MigrantFactory(status=CaseStatus.CLOSED, closed_on=datetime.date(2026, 5, 1), **kwargs)


# --- defaults -------------------------------------------------------------------------


def test_counsellor_starts_with_own_active_cases(counsellor_client, counsellor, colleague, centre):
    own = MigrantFactory(centre=centre, counsellor=counsellor)
    MigrantFactory(centre=centre, counsellor=colleague)
    _closed(centre=centre, counsellor=counsellor)
    assert _listed(counsellor_client) == [own]


def test_supervisor_starts_with_the_whole_centre_s_active_cases(
    supervisor_client, counsellor, colleague, centre
):
    cases = {
        MigrantFactory(centre=centre, counsellor=counsellor),
        MigrantFactory(centre=centre, counsellor=colleague),
    }
    _closed(centre=centre, counsellor=counsellor)
    assert set(_listed(supervisor_client)) == cases


def test_the_default_holds_on_every_page(counsellor_client, counsellor, colleague, centre):
    MigrantFactory.create_batch(PAGE_SIZE + 2, centre=centre, counsellor=counsellor)
    MigrantFactory.create_batch(3, centre=centre, counsellor=colleague)
    second = counsellor_client.get(reverse(URL), {"page": 2})
    assert second.context["page"].paginator.count == PAGE_SIZE + 2
    assert {m.counsellor for m in second.context["page"].object_list} == {counsellor}


def test_filter_form_can_widen_to_the_whole_centre(
    counsellor_client, counsellor, colleague, centre
):
    MigrantFactory(centre=centre, counsellor=counsellor)
    MigrantFactory(centre=centre, counsellor=colleague)
    _closed(centre=centre, counsellor=colleague)
    assert len(_listed(counsellor_client, status="")) == 3
    assert len(_listed(counsellor_client, status="active", counsellor="")) == 2
    assert len(_listed(counsellor_client, status="closed", counsellor=str(colleague.pk))) == 1


def test_another_centre_s_cases_are_never_listed(counsellor_client, outsider, other_centre):
    MigrantFactory(centre=other_centre, counsellor=outsider, last_name="Fremd")
    assert _listed(counsellor_client, status="") == []
    assert _listed(counsellor_client, q="Fremd", status="") == []
    response = counsellor_client.get(reverse(URL), {"counsellor": outsider.pk})
    assert "counsellor" in response.context["filter"].form.errors


def test_counsellor_choices_keep_a_colleague_who_left_with_cases(
    supervisor_client, counsellor, centre
):
    MigrantFactory(centre=centre, counsellor=counsellor)
    counsellor.memberships.all().delete()
    choices = dict(
        supervisor_client.get(reverse(URL)).context["filter"].filters["counsellor"].extra["choices"]
    )
    assert str(counsellor.pk) in choices


# --- filters --------------------------------------------------------------------------


def test_next_appointment_filters(counsellor_client, counsellor, centre):
    now = timezone.now()
    soon, later, none, lost = (
        MigrantFactory(centre=centre, counsellor=counsellor, last_name=name)
        for name in ("Bald", "Später", "Ohne", "Verloren")
    )
    SessionFactory(migrant=soon, next_appointment=now + datetime.timedelta(days=3))
    SessionFactory(migrant=later, next_appointment=now + datetime.timedelta(days=20))
    SessionFactory(migrant=none, held_on=timezone.localdate() - datetime.timedelta(days=10))
    SessionFactory(migrant=lost, held_on=timezone.localdate() - datetime.timedelta(days=200))
    assert _listed(counsellor_client, appointment="week") == [soon]
    assert _listed(counsellor_client, appointment="month") == [soon, later]
    assert _listed(counsellor_client, appointment="none") == [none, lost]
    assert _listed(counsellor_client, appointment="overdue") == [lost]


def test_programme_filter_for_someone_in_two_centres(client, centre):
    jmd = CentreFactory(service_type=ServiceType.JMD)
    user = MembershipFactory(centre=centre, role=Role.SUPERVISOR).user
    MembershipFactory(centre=jmd, user=user, role=Role.SUPERVISOR)
    adult = MigrantFactory(centre=centre)
    young = MigrantFactory(centre=jmd)
    client.force_login(user)
    assert _listed(client, programme="jmd") == [young]
    assert _listed(client, programme="mbe") == [adult]


def test_sorting_by_last_session_puts_the_longest_unseen_first(
    counsellor_client, counsellor, centre
):
    recent = MigrantFactory(centre=centre, counsellor=counsellor, last_name="A")
    old = MigrantFactory(centre=centre, counsellor=counsellor, last_name="B")
    never = MigrantFactory(centre=centre, counsellor=counsellor, last_name="C")
    SessionFactory(migrant=recent, held_on=datetime.date(2026, 10, 1))
    SessionFactory(migrant=old, held_on=datetime.date(2026, 1, 1))
    assert _listed(counsellor_client, sort="last_session") == [never, old, recent]
    assert _listed(counsellor_client, sort="name") == [recent, old, never]


# --- search ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("Şahin", "sahin"),
        ("MÜLLER", "muller"),
        ("Strauß", "strauss"),
        ("  Nguyễn   Thị  ", "nguyen thi"),
        ("Łukasz", "lukasz"),
        ("Yıldız Ølsen", "yildiz olsen"),
    ],
)
def test_normalise_for_search(text, normalised):
    assert normalise_for_search(text) == normalised


@pytest.fixture
def people(counsellor, centre):
    make = lambda **kw: MigrantFactory(centre=centre, counsellor=counsellor, **kw)  # noqa: E731
    return {
        "arabic": make(first_name="محمد", last_name="الأحمد", name_latin="Mohammed Al-Ahmad"),
        "turkish": make(first_name="Ayşe", last_name="Şahin"),
        "cyrillic": make(first_name="Олена", last_name="Шевченко", name_latin="Olena Shevchenko"),
        "german": make(first_name="Jürgen", last_name="Müller"),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("al-ahmad", ["arabic"]),
        ("MOHAMMED", ["arabic"]),
        ("الأحمد", ["arabic"]),
        ("sahin", ["turkish"]),
        ("ŞAHİN", ["turkish"]),
        ("ayse sahin", ["turkish"]),
        ("shevchenko olena", ["cyrillic"]),
        ("Шевченко", ["cyrillic"]),
        ("muller", ["german"]),
        ("Müller", ["german"]),
        ("jurgen mull", ["german"]),
        ("nobody", []),
    ],
)
def test_search_ignores_case_and_accents_and_finds_transliteration(
    counsellor_client, people, query, expected
):
    assert _listed(counsellor_client, q=query) == [people[key] for key in expected]


def test_search_by_case_number_in_any_case(counsellor_client, people):
    person = people["german"]
    assert _listed(counsellor_client, q=person.case_number.lower()) == [person]


def test_search_covers_closed_cases_of_colleagues(counsellor_client, colleague, centre):
    closed = _closed(centre=centre, counsellor=colleague, last_name="Öztürk")
    assert _listed(counsellor_client, q="ozturk", status="") == [closed]


@pytest.mark.parametrize(
    ("name", "query"), [("Yıldız", "yildiz"), ("Łukasz", "lukasz"), ("Søren", "soren")]
)
def test_search_folds_letters_without_decomposition(
    counsellor_client, counsellor, centre, name, query
):
    person = MigrantFactory(centre=centre, counsellor=counsellor, last_name=name)
    assert _listed(counsellor_client, q=query) == [person]


# --- query count ----------------------------------------------------------------------


@pytest.mark.parametrize("rows", [1, 50])
def test_caseload_list_uses_a_constant_number_of_queries(
    counsellor_client, counsellor, centre, django_assert_num_queries, rows
):
    for migrant in MigrantFactory.create_batch(rows, centre=centre, counsellor=counsellor):
        SessionFactory(migrant=migrant, next_appointment=timezone.now() + datetime.timedelta(1))
    # session, user, savepoint, memberships (with centres), counsellor choices, count,
    # one page of rows with counsellor, centre, last session and next appointment, release
    with django_assert_num_queries(8):
        response = counsellor_client.get(reverse(URL))
    assert len(response.context["page"].object_list) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_caseload_search_and_filters_keep_the_query_count(
    supervisor_client, counsellor, centre, django_assert_num_queries, rows
):
    MigrantFactory.create_batch(rows, centre=centre, counsellor=counsellor, last_name="Özdemir")
    with django_assert_num_queries(8):
        response = supervisor_client.get(
            reverse(URL),
            {
                "q": "ozdemir",
                "status": "active",
                "counsellor": counsellor.pk,
                "sort": "last_session",
            },
        )
    assert len(response.context["page"].object_list) == rows
