import datetime

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils import timezone, translation

UTC = datetime.UTC
VALUES = [
    datetime.date(2026, 1, 2),
    datetime.date(5, 3, 4),
    datetime.datetime(2026, 3, 29, 0, 59, tzinfo=UTC),  # before the change to summer time
    datetime.datetime(2026, 3, 29, 1, 0, tzinfo=UTC),  # after it
    datetime.datetime(2026, 12, 31, 23, 30, tzinfo=UTC),  # already next year in Berlin
    datetime.datetime(2026, 7, 1, 8, 5),
    None,
    "",
    "2026-01-02",
]


def _render(source: str, value) -> str:
    return Template("{% load dates %}" + source).render(Context({"value": value}))


@pytest.mark.parametrize("value", VALUES)
@pytest.mark.parametrize("language", ["de", "en"])
def test_day_shows_what_the_date_filter_shows(value, language):
    with translation.override(language), timezone.override("Europe/Berlin"):
        ours = _render("{{ value|day }}", value)
        djangos = _render('{{ value|date:"d.m.Y" }}', value)

    assert ours == djangos


@pytest.mark.parametrize("value", [v for v in VALUES if type(v) is not datetime.date])
def test_day_time_shows_what_the_date_filter_shows(value):
    with timezone.override("Europe/Berlin"):
        ours = _render("{{ value|day_time }}", value)
        djangos = _render('{{ value|date:"d.m.Y H:i" }}', value)

    assert ours == djangos


def test_day_time_of_a_plain_date_is_its_day():
    assert _render("{{ value|day_time }}", datetime.date(2026, 1, 2)) == "02.01.2026"


def test_summer_time_is_applied():
    with timezone.override("Europe/Berlin"):
        shown = _render("{{ value|day_time }}", datetime.datetime(2026, 7, 1, 8, 5, tzinfo=UTC))

    assert shown == "01.07.2026 10:05"


def test_the_date_filters_must_be_loaded_to_be_used():
    # They are not template builtins: a template shows where `day` comes from.
    with pytest.raises(TemplateSyntaxError):
        Template("{{ value|day }}")
