"""Indexes the lists and the dashboard rely on, checked against the migrated database."""

import pytest
from django.apps import apps
from django.db import connection


def _leading_columns(table: str) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {
        spec["columns"][0]
        for spec in constraints.values()
        if (spec["index"] or spec["unique"] or spec["primary_key"]) and spec["columns"]
    }


def _own_models():
    for app_label in ("counselling_sites", "integration", "agreements"):
        for model in apps.get_app_config(app_label).get_models():
            if not model.__name__.startswith("Historical"):
                yield model


@pytest.mark.django_db
def test_every_foreign_key_leads_an_index_so_deletes_and_joins_never_scan():
    # Single-column indexes were dropped where a composite index starts with the column;
    # this keeps a later change from dropping the composite one too.
    unindexed = []
    for model in _own_models():
        leading = _leading_columns(model._meta.db_table)
        for field in model._meta.concrete_fields:
            if field.is_relation and field.column not in leading:
                unindexed.append(f"{model._meta.label}.{field.name}")
    assert unindexed == []


@pytest.mark.django_db
def test_history_tables_index_only_what_history_is_read_by():
    # History is read per object or person; a date index on it was never used.
    for model in apps.get_app_config("agreements").get_models():
        if model.__name__.startswith("Historical"):
            assert "history_date" not in _leading_columns(model._meta.db_table), model
    migrant_history = apps.get_model("integration", "HistoricalMigrant")
    leading = _leading_columns(migrant_history._meta.db_table)
    assert {"id", "history_id"} <= leading
    assert "centre_id" not in leading


@pytest.mark.django_db
def test_every_declared_constraint_and_index_exists_in_the_database():
    # A migration that alters a field can drop an index it did not create (Django removes
    # any one-column index on a field whose db_index goes off, a partial unique one too).
    missing = []
    for model in _own_models():
        with connection.cursor() as cursor:
            present = set(connection.introspection.get_constraints(cursor, model._meta.db_table))
        for declared in [*model._meta.constraints, *model._meta.indexes]:
            if declared.name not in present:
                missing.append(f"{model._meta.label}: {declared.name}")
    assert missing == []
