from django.db import migrations

# The goal catalogue shipped with the product; operators edit it in the admin afterwards.
# (area, goal, [(step, responsible, partner kind)])
CATALOGUE = [
    (
        "language",
        "Integrationskurs bis B1 abschließen",
        [
            ("Beim Integrationskurs anmelden", "migrant", ""),
            ("Kursplatz bei einem Träger vermitteln", "partner", "course_provider"),
            ("Regelmäßig am Kurs teilnehmen und den DTZ ablegen", "migrant", ""),
        ],
    ),
    (
        "language",
        "Berufssprachkurs (B2) besuchen",
        [
            ("Berechtigung beim Jobcenter klären", "counsellor", ""),
            ("Anmeldung zum Berufssprachkurs", "partner", "employment_agency"),
        ],
    ),
    (
        "language",
        "Alphabetisierungskurs beginnen",
        [
            ("Einstufungstest machen", "migrant", ""),
            ("Platz im Alphabetisierungskurs vermitteln", "partner", "course_provider"),
        ],
    ),
    (
        "language",
        "Deutsch im Alltag üben (Sprachcafé, Tandem)",
        [
            ("Angebote im Stadtteil heraussuchen", "counsellor", ""),
            ("Einmal pro Woche ein Sprachcafé besuchen", "migrant", ""),
        ],
    ),
    (
        "education",
        "Schulabschluss nachholen",
        [
            ("Beratung zu Bildungswegen wahrnehmen", "migrant", ""),
            ("Anmeldung an der Abendschule / Berufsbildenden Schule", "partner", "school"),
        ],
    ),
    (
        "education",
        "Ausbildungsplatz finden",
        [
            ("Termin bei der Berufsberatung vereinbaren", "partner", "employment_agency"),
            ("Bewerbungsunterlagen erstellen", "counsellor", ""),
            ("Mindestens fünf Bewerbungen schreiben", "migrant", ""),
        ],
    ),
    (
        "education",
        "Berufsvorbereitungsjahr beginnen",
        [
            ("Anmeldung beim Berufsvorbereitungsjahr", "partner", "school"),
        ],
    ),
    (
        "work",
        "Eine Arbeitsstelle finden",
        [
            ("Termin bei der Arbeitsvermittlung wahrnehmen", "partner", "jobcenter"),
            ("Lebenslauf und Anschreiben erstellen", "counsellor", ""),
            ("Stellenangebote regelmäßig prüfen und sich bewerben", "migrant", ""),
        ],
    ),
    (
        "work",
        "Praktikum zur beruflichen Orientierung machen",
        [
            ("Praktikumsplatz suchen", "migrant", ""),
            ("Förderung des Praktikums klären", "partner", "jobcenter"),
        ],
    ),
    (
        "work",
        "Minijob in eine sozialversicherungspflichtige Stelle umwandeln",
        [
            ("Gespräch mit dem Arbeitgeber führen", "migrant", ""),
            ("Folgen für Leistungen berechnen lassen", "partner", "jobcenter"),
        ],
    ),
    (
        "recognition",
        "Anerkennungsverfahren für den Berufsabschluss beantragen",
        [
            ("Zeugnisse und Nachweise zusammenstellen", "migrant", ""),
            ("Beratung bei der Anerkennungsberatung", "partner", "recognition"),
            ("Übersetzungen beglaubigen lassen", "migrant", ""),
            ("Antrag bei der zuständigen Stelle stellen", "counsellor", ""),
        ],
    ),
    (
        "recognition",
        "Anpassungsqualifizierung nach Teilanerkennung beginnen",
        [
            ("Passende Qualifizierung suchen", "partner", "recognition"),
            ("Finanzierung klären", "partner", "jobcenter"),
        ],
    ),
    (
        "recognition",
        "Schulabschluss anerkennen lassen",
        [
            ("Antrag bei der Zeugnisanerkennungsstelle stellen", "migrant", ""),
        ],
    ),
    (
        "childcare",
        "Kita-Platz finden",
        [
            ("Kind beim Kita-Portal / Jugendamt anmelden", "partner", "childcare"),
            ("Kitas in der Nähe besuchen", "migrant", ""),
            ("Antrag auf Kostenübernahme stellen", "counsellor", ""),
        ],
    ),
    (
        "childcare",
        "Kinderbetreuung während des Sprachkurses sichern",
        [
            ("Kurs mit Kinderbetreuung suchen", "partner", "course_provider"),
        ],
    ),
    (
        "childcare",
        "Schulanmeldung des Kindes",
        [
            ("Anmeldung an der Schule", "migrant", ""),
            ("Elterngespräch mit Dolmetschung vorbereiten", "counsellor", ""),
        ],
    ),
    (
        "housing",
        "Eine eigene Wohnung finden",
        [
            ("Wohnberechtigungsschein beantragen", "migrant", ""),
            ("Wohnungsangebote gemeinsam durchgehen", "counsellor", ""),
        ],
    ),
    (
        "housing",
        "Mietschulden regeln",
        [
            ("Schuldnerberatung vermitteln", "counsellor", ""),
        ],
    ),
    (
        "health",
        "Hausärztliche Versorgung sichern",
        [
            ("Hausarztpraxis in der Nähe finden", "migrant", ""),
        ],
    ),
    (
        "health",
        "Psychosoziale Beratung in Anspruch nehmen",
        [
            ("Termin bei der psychosozialen Beratung", "partner", "health"),
        ],
    ),
    (
        "residence",
        "Aufenthaltstitel rechtzeitig verlängern",
        [
            ("Unterlagen für die Verlängerung zusammenstellen", "migrant", ""),
            ("Termin bei der Ausländerbehörde", "partner", "foreigners_authority"),
        ],
    ),
    (
        "residence",
        "Voraussetzungen für die Niederlassungserlaubnis klären",
        [
            ("Beratung zu den Voraussetzungen", "counsellor", ""),
            ("Nachweise (Sprache, Einkommen) sammeln", "migrant", ""),
        ],
    ),
    (
        "money",
        "Leistungen vollständig beantragen",
        [
            ("Anträge gemeinsam ausfüllen", "counsellor", ""),
            ("Antrag beim Jobcenter abgeben", "partner", "jobcenter"),
        ],
    ),
    (
        "money",
        "Ein Girokonto eröffnen",
        [
            ("Termin bei einer Bank vereinbaren", "migrant", ""),
        ],
    ),
    (
        "participation",
        "An einem Verein oder einer Initiative teilnehmen",
        [
            ("Vereine und Treffpunkte im Stadtteil vorstellen", "counsellor", ""),
            ("Ein Angebot ausprobieren", "migrant", ""),
        ],
    ),
    (
        "participation",
        "Ehrenamtliche Patenschaft beginnen",
        [
            ("Kontakt zum Patenschaftsprojekt herstellen", "counsellor", ""),
        ],
    ),
]


def add_catalogue(apps, schema_editor):
    GoalTemplate = apps.get_model("agreements", "GoalTemplate")
    StepTemplate = apps.get_model("agreements", "StepTemplate")
    if GoalTemplate.objects.exists():
        return
    for position, (area, text, steps) in enumerate(CATALOGUE, start=1):
        goal = GoalTemplate.objects.create(area=area, text=text, position=position)
        for step_position, (description, responsible, kind) in enumerate(steps, start=1):
            StepTemplate.objects.create(
                goal_template=goal,
                description=description,
                responsible=responsible,
                partner_kind=kind,
                position=step_position,
            )


class Migration(migrations.Migration):
    dependencies = [("agreements", "0002_initial")]

    operations = [migrations.RunPython(add_catalogue, migrations.RunPython.noop)]
