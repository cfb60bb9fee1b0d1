from django.db import migrations

# Frozen copy: a data migration must not change when sites/municipalities.py does.
MUNICIPALITIES = [
    ("Berlin Tempelhof-Schöneberg", "BE"),
    ("Freiburg im Breisgau", "BW"),
    ("Stuttgart", "BW"),
    ("Nürnberg", "BY"),
    ("München", "BY"),
    ("Hamburg-Wilhelmsburg", "HH"),
    ("Wiesbaden", "HE"),
    ("Wetzlar", "HE"),
    ("Hannover", "NI"),
    ("Göttingen", "NI"),
    ("Hamm", "NW"),
    ("Essen", "NW"),
    ("Landkreis Mayen-Koblenz", "RP"),
    ("Ludwigshafen am Rhein", "RP"),
    ("Neumünster", "SH"),
    ("Leipzig", "SN"),
    ("Stendal", "ST"),
    ("Saarbrücken", "SL"),
]


def add_municipalities(apps, schema_editor):
    Municipality = apps.get_model("counselling_sites", "Municipality")
    for name, state in MUNICIPALITIES:
        Municipality.objects.get_or_create(name=name, defaults={"federal_state": state})


class Migration(migrations.Migration):
    dependencies = [("counselling_sites", "0001_initial")]

    operations = [migrations.RunPython(add_municipalities, migrations.RunPython.noop)]
