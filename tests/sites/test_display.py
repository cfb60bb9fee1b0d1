from django.apps import apps
from django.db import models
from django.utils import translation

from people.models import Migrant
from sites.django_overrides import ChoiceDisplay
from tests.factories import MigrantFactory


def test_choice_labels_follow_the_readers_language():
    migrant = Migrant(preferred_language="ar", sex="f")

    with translation.override("de"):
        german = migrant.get_preferred_language_display()
    with translation.override("en"):
        english = migrant.get_preferred_language_display()

    assert (german, english) == ("Arabisch", "Arabic")


def test_a_value_outside_the_choices_is_shown_as_stored():
    migrant = Migrant(preferred_language="xx")

    assert migrant.get_preferred_language_display() == "xx"


def test_every_choice_field_answers_as_djangos_own_lookup():
    fields = [
        (model, field)
        for model in apps.get_models()
        if issubclass(model, ChoiceDisplay)
        for field in model._meta.concrete_fields
        if field.choices and isinstance(field.choices, (list, tuple))
    ]
    assert len(fields) > 20

    for model, field in fields:
        for value in [value for value, _label in field.flatchoices] + ["unknown", None]:
            instance = model(**{field.attname: value})
            for language in ("de", "en"):
                with translation.override(language):
                    ours = instance._get_FIELD_display(field)
                    djangos = models.Model._get_FIELD_display(instance, field)
                assert ours == djangos, (model.__name__, field.name, value, language)


def test_country_names_keep_djangos_lookup(db):
    migrant = MigrantFactory(nationality="SY")

    with translation.override("de"):
        german = migrant.get_nationality_display()
    with translation.override("en"):
        english = migrant.get_nationality_display()

    assert (german, english) == ("Syrien", "Syria")
