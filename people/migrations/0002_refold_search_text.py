"""Search text for names with letters that the first normalisation did not fold (ı, ł, ø …).

Only rows holding one of those letters are touched, so this stays quick on a national
database."""

from django.db import migrations

from people.models import LETTERS_WITHOUT_DECOMPOSITION, search_text_of


def refold(apps, schema_editor):
    Migrant = apps.get_model("integration", "Migrant")
    letters = "".join(chr(code) for code in LETTERS_WITHOUT_DECOMPOSITION)
    pattern = "[" + letters + "]"
    changed = []
    for person in Migrant.objects.filter(search_text__regex=pattern).only(
        "pk", "first_name", "last_name", "name_latin", "case_number"
    ):
        person.search_text = search_text_of(person)
        changed.append(person)
    Migrant.objects.bulk_update(changed, ["search_text"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("integration", "0001_initial")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop, elidable=True)]
