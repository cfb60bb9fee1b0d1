"""The duplicate check at intake and on edit: same date of birth in the same centre and a
similar name (any script, any accent, alike in sound) is shown before anything is saved."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.duplicates import koelner_phonetik, latin_words, possible_duplicates
from people.models import Migrant
from tests.factories import MigrantFactory
from tests.people.test_migrant_pages import _edit_data, _person_data

BORN = datetime.date(1988, 4, 2)


def _post_new(client, **overrides):
    return client.post(reverse("integration:migrant-create"), _person_data(**overrides))


def _matches(centre, first_name, last_name, name_latin="", born=BORN):
    return possible_duplicates(
        centre_id=centre.pk,
        first_name=first_name,
        last_name=last_name,
        name_latin=name_latin,
        date_of_birth=born,
    )


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        (("Ayşe", "Yıldız", ""), ("Ayse", "Yildiz", "")),
        (("Сергей", "Фёдоров", ""), ("Sergei", "Fedorov", "")),
        (("Сергей", "Фёдоров", "Sergej Fjodorow"), ("Sergej", "Fjodorow", "")),
        (("Mohammed", "Al-Ahmad", ""), ("Muhammad", "Al Ahmad", "")),
        (("محمد", "الأحمد", "Mohammed Al-Ahmad"), ("Muhammad", "Alahmad", "")),
        (("Müller", "Jana", ""), ("Jana", "Mueller", "")),
        (("Olena", "Shevchenko", ""), ("Olena", "Schevchenko", "")),
    ],
    ids=[
        "turkish-dotless-i",
        "cyrillic",
        "cyrillic-with-latin",
        "phonetic",
        "arabic",
        "order-and-umlaut",
        "typing-slip",
    ],
)
def test_similar_name_with_same_birth_date_is_flagged(centre, recorded, typed):
    first, last, latin = recorded
    person = MigrantFactory(
        centre=centre, first_name=first, last_name=last, name_latin=latin, date_of_birth=BORN
    )
    assert _matches(centre, *typed) == [person]


def test_same_name_with_another_birth_date_is_not_flagged(centre):
    MigrantFactory(centre=centre, first_name="Ayşe", last_name="Yıldız", date_of_birth=BORN)
    assert _matches(centre, "Ayse", "Yildiz", born=datetime.date(1988, 4, 3)) == []


@pytest.mark.parametrize(
    ("recorded", "typed"),
    [
        (("Ayşe", "Yıldız"), ("Olena", "Shevchenko")),
        # The Kölner code ignores vowels: alone it would take these for one name.
        (("Amira", "Haddad"), ("Omar", "Haddad")),
        (("Amira", "Haddad"), ("Karim", "Haddad")),
    ],
)
def test_different_name_with_same_birth_date_is_not_flagged(centre, recorded, typed):
    MigrantFactory(centre=centre, first_name=recorded[0], last_name=recorded[1], date_of_birth=BORN)
    assert _matches(centre, *typed) == []


def test_person_of_another_centre_is_never_a_match(centre, other_centre):
    MigrantFactory(centre=other_centre, first_name="Ayşe", last_name="Yıldız", date_of_birth=BORN)
    assert _matches(centre, "Ayşe", "Yıldız") == []


def test_without_birth_date_nothing_is_compared(centre):
    MigrantFactory(centre=centre, first_name="Ayşe", last_name="Yıldız", date_of_birth=None)
    assert _matches(centre, "Ayşe", "Yıldız", born=None) == []


def test_names_are_folded_to_latin_words():
    assert latin_words("Сергей Фёдоров") == ["sergei", "fedorov"]
    assert latin_words("Yıldız-Şahin") == ["yildiz", "sahin"]


def test_koelner_phonetik_gives_the_published_codes():
    # Examples of Postel's paper and the usual references.
    assert koelner_phonetik("Müller-Lüdenscheidt") == "65752682"
    assert koelner_phonetik("Wikipedia") == "3412"
    assert koelner_phonetik("Breschnew") == "17863"
    assert koelner_phonetik("Mohammed") == koelner_phonetik("Muhammad")


def test_the_check_reads_one_query_whatever_the_centre_holds(centre):
    MigrantFactory.create_batch(30, centre=centre, date_of_birth=datetime.date(1970, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        _matches(centre, "Ayşe", "Yıldız")
    assert len(queries) == 1


# --- at intake -------------------------------------------------------------------------


def test_intake_shows_matches_and_saves_nothing(counsellor_client, centre):
    existing = MigrantFactory(
        centre=centre, first_name="Сергей", last_name="Фёдоров", date_of_birth=BORN
    )
    response = _post_new(counsellor_client, first_name="Sergei", last_name="Fedorov")
    assert response.status_code == 200
    assert response.context["duplicates"] == [existing]
    assert Migrant.objects.count() == 1
    page = response.content.decode()
    assert existing.case_number in page
    assert existing.get_absolute_url() in page  # "this is the same person": open that case


def test_intake_keeps_everything_typed_while_the_matches_are_shown(counsellor_client, centre):
    MigrantFactory(centre=centre, first_name="Amira", last_name="Haddad", date_of_birth=BORN)
    response = _post_new(counsellor_client, phone="+49 621 555 0199")
    form = response.context["form"]
    assert form["phone"].value() == "+49 621 555 0199"
    assert form["languages"].value() == "Arabisch, Englisch"
    assert response.context["children"].forms[0]["year_of_birth"].value() == "2019"
    assert response.context["qualifications"].forms[0]["title"].value() == "Krankenpflegerin"
    page = response.content.decode()
    assert 'value="+49 621 555 0199"' in page
    assert "Krankenpflegerin" in page


def test_a_different_person_is_saved_and_the_decision_recorded(counsellor_client, centre):
    existing = MigrantFactory(
        centre=centre, first_name="Mohammed", last_name="Haddad", date_of_birth=BORN
    )
    response = _post_new(counsellor_client, first_name="Muhammad", different_from=str(existing.pk))
    created = Migrant.objects.exclude(pk=existing.pk).get()
    assert response.status_code == 302
    assert created.first_name == "Muhammad"
    assert created.history.get().history_change_reason == (
        f"auf Doppelerfassung geprüft: nicht dieselbe Person wie {existing.case_number}"
    )


def test_setting_aside_one_match_does_not_set_aside_another(counsellor_client, centre):
    first = MigrantFactory(
        centre=centre, first_name="Amira", last_name="Haddad", date_of_birth=BORN
    )
    second = MigrantFactory(
        centre=centre, first_name="Amirah", last_name="Haddad", date_of_birth=BORN
    )
    response = _post_new(counsellor_client, different_from=str(first.pk))
    assert response.context["duplicates"] == [first, second]
    assert Migrant.objects.count() == 2


def test_no_match_saves_at_once(counsellor_client, centre):
    MigrantFactory(centre=centre, first_name="Amira", last_name="Haddad", date_of_birth=BORN)
    response = _post_new(counsellor_client, date_of_birth="1988-04-03")
    assert response.status_code == 302
    assert Migrant.objects.count() == 2


def test_intake_never_shows_a_person_of_another_centre(counsellor_client, other_centre):
    stranger = MigrantFactory(
        centre=other_centre, first_name="Amira", last_name="Haddad", date_of_birth=BORN
    )
    response = _post_new(counsellor_client)
    assert response.status_code == 302
    assert stranger.case_number not in response.content.decode()


# --- on edit ---------------------------------------------------------------------------


def test_edit_to_a_duplicate_name_shows_the_match(counsellor_client, centre):
    existing = MigrantFactory(centre=centre, first_name="Ayşe", last_name="Yıldız")
    edited = MigrantFactory(
        centre=centre,
        first_name="Aise",
        last_name="Kaya",
        date_of_birth=existing.date_of_birth,
    )
    url = reverse("integration:migrant-edit", args=[edited.pk])
    response = counsellor_client.post(url, _edit_data(edited, last_name="Yildiz"))
    assert response.context["duplicates"] == [existing]
    edited.refresh_from_db()
    assert edited.last_name == "Kaya"
    response = counsellor_client.post(
        url, _edit_data(edited, last_name="Yildiz", different_from=str(existing.pk))
    )
    assert response.status_code == 302
    edited.refresh_from_db()
    assert edited.last_name == "Yildiz"


def test_edit_that_leaves_the_name_alone_is_not_checked_again(counsellor_client, centre):
    existing = MigrantFactory(centre=centre, first_name="Ayşe", last_name="Yıldız")
    twin = MigrantFactory(
        centre=centre, first_name="Ayse", last_name="Yildiz", date_of_birth=existing.date_of_birth
    )
    url = reverse("integration:migrant-edit", args=[twin.pk])
    response = counsellor_client.post(url, _edit_data(twin, phone="0621 1234"))
    assert response.status_code == 302
