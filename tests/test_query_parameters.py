"""Every query parameter of every list page (and of the other pages that read one) takes
any text without a server error (issue 21: `?centre=` answered 500 for right-to-left marks,
zero-width characters, emoji, NUL and control characters).

Property-based: hypothesis sends arbitrary text, the hostile characters of the finding,
huge and odd numbers, and the parameters' own valid values mixed in. A bad value answers
400, 404 (a scope or centre that is not the user's) or the unfiltered page, never 500
(found so far: `?centre=` with thousands of digits, which int() refuses to read).
The pages and their parameters come from the FilterSets (their filters) and the views'
own `request.GET` reads; two tests below fail when a new FilterSet or query parameter is
not listed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import django_filters
import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agreements.filters import (
    AgreementFilter,
    DashboardListFilter,
    ReviewsDueFilter,
    StepsDueFilter,
)
from agreements.forms.reviews import EvaluationForm
from agreements.forms.signing import VerifyForm
from integration.filters import AccessLogFilter
from people.filters import MigrantFilter
from sites.filters import PartnerFilter
from tests.factories import CaseGraph

ROOT = Path(__file__).resolve().parents[1]

# The characters of the finding, numbers no column holds, and other classics.
HOSTILE = [
    "\u200f",  # right-to-left mark
    "\u202e1",  # right-to-left override
    "\u200b",  # zero-width space
    "\u200d",  # zero-width joiner
    "\ufeff",  # byte order mark
    "😀",
    "👩\u200d👩\u200d👧",
    "\x00",
    "1\x00",
    "\x01\x02\x1b[0m\x7f",
    "\r\n",
    "\t",
    "%00",
    "9" * 30,
    "-" + "9" * 30,
    "9" * 5000,
    "1e999999",
    "-1e-999999",
    "NaN",
    "Infinity",
    "-1",
    "0",
    "1.5",
    "١٢٣",  # Arabic-Indic digits: int() reads them
    "２",  # a full-width digit
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "",
    " ",
    "2026-13-45",
    "99999-01-01",
    "0000-00-00",
    "1000-01-01",
]


def _values(valid: list[str]) -> st.SearchStrategy[str]:
    choices = [st.sampled_from(HOSTILE), st.text(max_size=40)]
    choices.append(st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), st.text(max_size=8)))
    choices.append(st.integers(min_value=-(10**40), max_value=10**40).map(str))
    if valid:
        # A valid value beside a hostile one: the combination must hold too.
        choices.append(st.sampled_from(valid))
    return st.one_of(*choices)


@dataclass(frozen=True)
class Page:
    name: str
    key: str | None = None  # the CaseGraph object the URL names
    filterset: type | None = None
    form: type | None = None
    parameters: tuple[str, ...] = ()
    valid: dict[str, list[str]] = field(default_factory=dict)
    examples: int = 12

    def all_parameters(self) -> list[str]:
        names = list(self.parameters)
        if self.filterset is not None:
            names += list(self.filterset.base_filters)
        if self.form is not None:
            names += list(self.form.base_fields)
        return sorted(set(names))


PAGES = [
    Page(
        "integration:migrant-list",
        filterset=MigrantFilter,
        parameters=("page",),
        valid={"status": ["active", "closed"], "sort": ["name", "last_session"], "page": ["2"]},
    ),
    Page("integration:migrant-create", parameters=("centre",)),
    Page("integration:consent-add", key="migrant", parameters=("partner", "next")),
    Page(
        "integration:access-log",
        filterset=AccessLogFilter,
        parameters=("page",),
        valid={"action": ["view_person"], "date_from": ["2026-01-01"]},
    ),
    Page("integration:erasure-list", parameters=("page",)),
    Page("integration:withdrawn-consents", parameters=("page",)),
    Page(
        "agreements:list",
        filterset=AgreementFilter,
        parameters=("page",),
        valid={"status": ["active", "draft"], "mine": ["1"]},
    ),
    Page(
        "agreements:reviews-due",
        filterset=ReviewsDueFilter,
        parameters=("scope", "page"),
        valid={"state": ["due", "overdue", "soon"]},
    ),
    Page("agreements:steps-due", filterset=StepsDueFilter, parameters=("scope", "page")),
    Page("agreements:dashboard", parameters=("scope",)),
    Page(
        "agreements:dashboard-list",
        filterset=DashboardListFilter,
        parameters=("figure", "scope", "page"),
        valid={"figure": ["agreements", "goals"], "status": ["active", "achieved"]},
    ),
    Page(
        "agreements:evaluation",
        form=EvaluationForm,
        valid={"date_from": ["2026-01-01"], "date_to": ["2026-12-31"]},
    ),
    Page("agreements:compare", key="signed", parameters=("a", "b"), valid={"a": ["1"]}),
    # One parameter, compared to "1" only, and each example renders a PDF (about 2 s).
    Page(
        "agreements:preview-pdf",
        key="draft",
        parameters=("blank",),
        valid={"blank": ["1"]},
        examples=3,
    ),
    Page("agreements:verify", form=VerifyForm),
    Page("sites:centre-list", parameters=("page",)),
    Page(
        "sites:partner-list",
        filterset=PartnerFilter,
        parameters=("page",),
        valid={"kind": ["jobcenter"]},
    ),
]

# 429: the public verification page's rate limit, reached after VERIFY_RATE_LIMIT examples.
ANSWERS_TO_BAD_INPUT = {200, 302, 400, 404, 429}


@pytest.fixture
def graph(centre, counsellor, supervisor):
    return CaseGraph(centre=centre, counsellor=counsellor, supervisor=supervisor)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_no_query_parameter_value_breaks_a_page(page, graph, supervisor):
    client = Client(raise_request_exception=True)
    client.force_login(supervisor)
    url = reverse(page.name, args=[getattr(graph, page.key).pk] if page.key else [])
    names = page.all_parameters()
    assert names, page.name
    queries = st.lists(
        st.sampled_from(names), min_size=1, max_size=min(len(names), 4), unique=True
    ).flatmap(
        lambda chosen: st.fixed_dictionaries(
            {name: _values(page.valid.get(name, [])) for name in chosen}
        )
    )

    @settings(
        max_examples=page.examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(query=queries)
    def answers_without_a_server_error(query):
        response = client.get(url, query)
        # A streamed answer is read to its end (which also closes it): it fails late if at
        # all. Closing any other answer again would close the test's database connection.
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code in ANSWERS_TO_BAD_INPUT, (query, response.status_code)

    answers_without_a_server_error()


def _our_filtersets() -> set[type]:
    found, todo = set(), [django_filters.FilterSet]
    while todo:
        for subclass in todo.pop().__subclasses__():
            todo.append(subclass)
            module = subclass.__module__.split(".")[0]
            if module in {"agreements", "people", "sites", "integration"}:
                found.add(subclass)
    return {f for f in found if not f.__name__.startswith("_")}


def test_every_filterset_is_walked_by_the_property_test():
    walked = {page.filterset for page in PAGES if page.filterset}
    assert _our_filtersets() <= walked, _our_filtersets() - walked


def test_every_query_parameter_a_view_reads_is_walked_by_the_property_test():
    read = set()
    pattern = re.compile(r"request\.GET(?:\.get\(|\[)\s*[\"'](\w+)[\"']")
    for app in ("agreements", "people", "sites", "integration"):
        for path in (ROOT / app).rglob("*.py"):
            read |= set(pattern.findall(path.read_text()))
    walked = {name for page in PAGES for name in page.all_parameters()}
    assert read <= walked, read - walked
