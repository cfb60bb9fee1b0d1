"""What makes generated people believable, checked alike for the demo and generate_data."""

from django.db.models import Count

from agreements.enums import AgreementStatus
from agreements.models import Agreement
from integration.datagen.places import PLACES
from integration.datagen.pools import NAMES, NATIVE_NAMES
from people.enums import CaseStatus, Sex
from people.models import Migrant

POOLS = [*NAMES.values(), *NATIVE_NAMES.values()]
# Family names that exist in one gendered form only (Iwanowa / Iwanow, Kowalska / Kowalski).
FEMININE = {name for pool in POOLS for name, _ in pool.female_family} - {
    name for pool in POOLS for name, _ in pool.male_family
}
MASCULINE = {name for pool in POOLS for name, _ in pool.male_family} - {
    name for pool in POOLS for name, _ in pool.female_family
}
SLAVIC = ["RU", "BG", "PL", "UA"]


def assert_surnames_agree_with_gender(people) -> None:
    women = people.filter(sex=Sex.FEMALE)
    men = people.filter(sex=Sex.MALE)
    assert not women.filter(last_name__in=MASCULINE).exists()
    assert not men.filter(last_name__in=FEMININE).exists()
    for suffix in ["ow", "ew", "ski", "skyj", "ов", "ський"]:
        assert not women.filter(nationality__in=SLAVIC, last_name__endswith=suffix).exists()
    for suffix in ["owa", "ewa", "ska", "ова", "ська"]:
        assert not men.filter(nationality__in=SLAVIC, last_name__endswith=suffix).exists()


def assert_addresses_carry_the_real_postcode(people) -> None:
    for name, postcode, city in people.values_list(
        "centre__municipality__name", "postcode", "city"
    ).distinct():
        assert (postcode, city) == (PLACES[name].postcode, PLACES[name].town)


def assert_permits_issued_after_arrival(people, today) -> None:
    issued = people.filter(residence_issued_on__isnull=False)
    assert issued.exists()
    for arrival, issued_on, valid_until in issued.values_list(
        "arrival_on", "residence_issued_on", "residence_valid_until"
    ):
        assert arrival is None or arrival < issued_on <= today
        assert valid_until is None or valid_until > issued_on


def assert_no_duplicate_names(people) -> None:
    same = (
        people.values("centre", "first_name", "last_name", "date_of_birth")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    assert list(same) == []


def assert_closed_cases_have_no_open_agreement() -> None:
    # Closing a case ends its agreement (the lifecycle service); generated data does too.
    open_on_closed = Agreement.objects.filter(
        migrant__status=CaseStatus.CLOSED,
        status__in=[AgreementStatus.DRAFT, AgreementStatus.ACTIVE],
    )
    assert list(open_on_closed.values_list("number", "version")) == []
    assert Agreement.objects.filter(migrant__status=CaseStatus.CLOSED).exists()


def assert_coherent(today) -> None:
    people = Migrant.objects.all()
    assert people.exists()
    assert_surnames_agree_with_gender(people)
    assert_addresses_carry_the_real_postcode(people)
    assert_permits_issued_after_arrival(people, today)
    assert_no_duplicate_names(people)
    assert_closed_cases_have_no_open_agreement()
