"""A name in another script is shown with its Latin transliteration wherever a list names
people, as the caseload does: the start page, the due lists, the dashboard's lists."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    GoalFactory,
    MigrantFactory,
    SessionFactory,
    SignedAgreementFactory,
    StepFactory,
)

LATIN = "(Sergei Fedorova)"


@pytest.fixture
def cyrillic_case(centre, counsellor):
    person = MigrantFactory(
        centre=centre,
        counsellor=counsellor,
        first_name="Сергей",
        last_name="Фёдорова",
        name_latin="Sergei Fedorova",
    )
    SessionFactory(migrant=person, next_appointment=timezone.now() + datetime.timedelta(days=1))
    long_ago = timezone.localdate() - datetime.timedelta(days=30)
    agreement = SignedAgreementFactory(migrant=person, next_review_on=long_ago)
    StepFactory(goal=GoalFactory(agreement=agreement), due_on=long_ago)
    return person


def test_start_page_lists_show_the_latin_transliteration(counsellor_client, cyrillic_case):
    page = counsellor_client.get(reverse("home")).content.decode()
    # The next appointment, the overdue review and the overdue step.
    assert page.count(LATIN) == 3


@pytest.mark.parametrize("name", ["agreements:reviews-due", "agreements:steps-due"])
def test_due_lists_show_the_latin_transliteration(counsellor_client, cyrillic_case, name):
    assert LATIN in counsellor_client.get(reverse(name)).content.decode()


def test_caseload_and_agreement_list_show_the_latin_transliteration(
    counsellor_client, cyrillic_case
):
    assert LATIN in counsellor_client.get(reverse("integration:migrant-list")).content.decode()
    assert LATIN in counsellor_client.get(reverse("agreements:list")).content.decode()


def test_a_latin_name_gets_no_brackets(counsellor_client, centre, counsellor):
    SessionFactory(
        migrant=MigrantFactory(centre=centre, counsellor=counsellor, first_name="Amira"),
        next_appointment=timezone.now() + datetime.timedelta(days=1),
    )
    page = counsellor_client.get(reverse("home")).content.decode()
    assert re.search(r"Amira [^<]*</a>", page)
    assert re.search(r"Amira [^<]*</a> <small", page) is None
