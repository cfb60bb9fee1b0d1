"""`ConstraintsCheckedByTheForm`: a constraint the form checks itself is not validated
again through the database, and the form still refuses what the constraint forbids.
(`PlainSelect`, the date filters and `ChoiceDisplay` have their own test modules.)"""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from agreements.forms.drafting import AgreementForm
from tests.factories import AgreementFactory


def _data(agreement, **changes) -> dict:
    initial = AgreementForm(instance=agreement)
    data = {name: initial[name].value() for name in initial.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    return {**data, "revision": agreement.revision, **changes}


def test_the_review_interval_is_checked_by_the_form_without_asking_the_database(db):
    agreement = AgreementFactory()
    form = AgreementForm(_data(agreement, review_interval_months=4), instance=agreement)

    with CaptureQueriesContext(connection) as queries:
        assert form.is_valid(), form.errors

    # Django validates a check constraint as `SELECT 1 AS "_check" WHERE ...`.
    assert [q["sql"] for q in queries if "_check" in q["sql"]] == []


def test_an_interval_outside_the_constraint_is_refused_by_the_form(db):
    agreement = AgreementFactory()
    form = AgreementForm(_data(agreement, review_interval_months=7), instance=agreement)

    assert not form.is_valid()
    assert list(form.errors) == ["review_interval_months"]
