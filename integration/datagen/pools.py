"""Word lists the generator draws from: names by origin and the German texts of a case file.

Weighted lists repeat an entry instead of carrying weights, so drawing is one index.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from sites.enums import Area

Name = tuple[str, str]  # (spelling, Latin transliteration or "" when already Latin)


@dataclass(frozen=True)
class NamePool:
    female: tuple[Name, ...]
    male: tuple[Name, ...]
    # Family names by the bearer's gender: the same name twice where the language does not
    # inflect it, "Iwanowa" / "Iwanow" where it does.
    female_family: tuple[Name, ...]
    male_family: tuple[Name, ...]


def _names(female: str, male: str, family: str) -> NamePool:
    """Space-separated names; "Iwanowa/Iwanow" is a family name with a feminine and a
    masculine form, "Олена:Olena" a name in its own script with its transliteration."""

    def name(word: str) -> Name:
        spelling, _, latin = word.partition(":")
        return spelling, latin

    forms = [[name(form) for form in word.split("/")] for word in family.split()]
    return NamePool(
        female=tuple(name(word) for word in female.split()),
        male=tuple(name(word) for word in male.split()),
        female_family=tuple(pair[0] for pair in forms),
        male_family=tuple(pair[-1] for pair in forms),
    )


# Names in Latin script, per language group.
NAMES = {
    "de": _names(
        "Anna Julia Sabine Katharina Miriam Lena Sarah Claudia",
        "Jonas Lukas Stefan Tobias Daniel Michael Thomas Markus",
        "Becker Schmidt Weber Hoffmann Schulz Wagner Krüger Neumann Fischer Lange Braun Richter "
        "Wolf Schäfer",
    ),
    "ar": _names(
        "Amina Fatima Layla Nour Rania Hiba Yasmin Salma Mariam Rasha",
        "Ahmad Mohammed Omar Khaled Yusuf Ali Hassan Samir Tarek Bilal",
        "Al-Hassan Haddad Khalil Mansour Nasser Saleh Darwish Aziz Hamdan Qasim Al-Masri Ibrahim",
    ),
    "uk": _names(
        "Olena Iryna Oksana Natalija Tetjana Switlana Julija Marija",
        "Andrij Oleksandr Dmytro Serhij Mykola Wolodymyr Taras Bohdan",
        "Petrenko Kowalenko Bondarenko Schewtschenko Tkatschenko Krawtschuk Melnyk Lysenko "
        "Olijnyk Hryzenko Kowalska/Kowalskyj",
    ),
    "fa": _names(
        "Zahra Maryam Fatemeh Shirin Parisa Soraya Nargis Mahsa",
        "Ahmad Reza Hamid Mahmoud Farid Javad Mustafa Nasir",
        "Ahmadi Rahimi Hosseini Karimi Mohammadi Sultani Noori Haidari",
    ),
    "tr": _names(
        "Ayşe Elif Fatma Zeynep Emine Hatice Özlem Gül",
        "Mehmet Mustafa Murat Hüseyin İbrahim Ömer Emre Çağrı",
        "Yılmaz Kaya Demir Şahin Çelik Yıldız Öztürk Aydın Doğan",
    ),
    "ro": _names(
        "Ana Maria Elena Ioana Andreea Mihaela",
        "Andrei Ion Mihai Ștefan Gheorghe Florin",
        "Popescu Ionescu Dumitru Stoica Constantin Munteanu Rădulescu",
    ),
    "pl": _names(
        "Agnieszka Katarzyna Małgorzata Joanna Zofia Anna",
        "Piotr Krzysztof Tomasz Paweł Łukasz Michał",
        "Kowalska/Kowalski Nowak Wiśniewska/Wiśniewski Wójcik Kamińska/Kamiński "
        "Lewandowska/Lewandowski Zielińska/Zieliński",
    ),
    "bg": _names(
        "Maria Iwanka Desislawa Elena Rossiza",
        "Georgi Dimitar Iwan Nikolai Stojan",
        "Iwanowa/Iwanow Petrowa/Petrow Dimitrowa/Dimitrow Georgiewa/Georgiew Nikolowa/Nikolow "
        "Todorowa/Todorow",
    ),
    "ru": _names(
        "Jelena Tatjana Natalja Swetlana Olga Anastasija",
        "Sergej Alexej Dmitrij Wladimir Igor Nikolaj",
        "Iwanowa/Iwanow Smirnowa/Smirnow Kusnezowa/Kusnezow Popowa/Popow Wolkowa/Wolkow "
        "Sokolowa/Sokolow Morosowa/Morosow",
    ),
    "ti": _names(
        "Senait Helen Mebrat Saba Freweyni",
        "Yonas Tesfay Dawit Berhane Samuel",
        "Tesfamariam Gebremedhin Haile Kidane Abraha Weldemichael",
    ),
    "so": _names(
        "Hodan Amran Sahra Fadumo Ifrah",
        "Abdi Mohamed Abdullahi Hassan Farah",
        "Warsame Abdi Hirsi Jama Osman Yusuf",
    ),
    "en": _names(
        "Chioma Priya Aisha Ananya Grace Blessing",
        "Emeka Rahul Oluwaseun Arjun Chinedu Vikram",
        "Okafor Sharma Adeyemi Patel Nwosu Singh Reddy Balogun",
    ),
    "vi": _names(
        "Linh Hương Thảo Mai Ngọc", "Minh Tuấn Dũng Hùng Quang", "Nguyễn Trần Lê Phạm Hoàng Vũ"
    ),
    "sq": _names(
        "Arta Blerina Drita Elona Fjolla",
        "Arben Besnik Driton Fatmir Ilir",
        "Krasniqi Gashi Berisha Morina Hoxha Shala",
    ),
    "sr": _names(
        "Jelena Milica Ivana Dragana",
        "Nikola Stefan Milan Dragan",
        "Jovanović Petrović Nikolić Marković Đorđević",
    ),
    "es": _names(
        "Lucía María Carmen Sofía",
        "José Javier Alejandro Álvaro",
        "García Fernández González Rodríguez López Martínez",
    ),
    "other": _names(  # Greek
        "Eleni Dimitra Sofia Katerina",
        "Georgios Nikolaos Konstantinos Dimitrios",
        "Papadopoulou/Papadopoulos Nikolaidou/Nikolaidis Georgiou Christodoulou",
    ),
}
# Some people are recorded in their own script, with the Latin transliteration beside it
# (the field the search also looks at).
NATIVE_NAMES = {
    "uk": _names(
        "Олена:Olena Ірина:Iryna Оксана:Oksana",
        "Андрій:Andrij Тарас:Taras Дмитро:Dmytro",
        "Петренко:Petrenko Коваленко:Kowalenko Бондаренко:Bondarenko Шевченко:Schewtschenko "
        "Ковальська:Kowalska/Ковальський:Kowalskyj",
    ),
    "ru": _names(
        "Наталья:Natalja Ольга:Olga Ксения:Ksenija",
        "Сергей:Sergej Игорь:Igor",
        "Иванова:Iwanowa/Иванов:Iwanow Смирнова:Smirnowa/Смирнов:Smirnow "
        "Фёдорова:Fjodorowa/Фёдоров:Fjodorow",
    ),
    "bg": _names(
        "Мария:Marija Елена:Elena",
        "Георги:Georgi Димитър:Dimitar",
        "Петрова:Petrowa/Петров:Petrow Димитрова:Dimitrowa/Димитров:Dimitrow",
    ),
    "ar": _names(
        "فاطمة:Fatima نور:Nour أمل:Amal",
        "أحمد:Ahmad عمر:Omar خالد:Khaled",
        "الحسن:Al-Hassan خليل:Khalil منصور:Mansour حداد:Haddad",
    ),
    "fa": _names(
        "زهرا:Zahra مریم:Maryam فرشته:Fereshteh",
        "احمد:Ahmad رضا:Reza",
        "رحیمی:Rahimi نوری:Noori حیدری:Haidari",
    ),
    "ti": _names("ሰናይት:Senait ሄለን:Helen", "ዮናስ:Yonas ዳዊት:Dawit", "ተስፋዬ:Tesfaye ሃይለ:Haile"),
}

# (nationality, weight, preferred language, languages spoken, residence statuses, basis)
ORIGINS = [
    (
        "SY",
        18,
        "ar",
        "Arabisch, Kurdisch",
        ["permit", "permit", "settlement", "naturalised"],
        "§ 25 Abs. 2 AufenthG",
    ),
    ("UA", 16, "uk", "Ukrainisch, Russisch", ["permit"], "§ 24 AufenthG"),
    ("AF", 10, "fa", "Dari, Paschtu", ["permit", "asylum", "toleration"], "§ 25 Abs. 3 AufenthG"),
    ("TR", 9, "tr", "Türkisch", ["permit", "settlement"], "§ 28 AufenthG"),
    (
        "IQ",
        7,
        "ar",
        "Arabisch, Kurdisch",
        ["permit", "asylum", "toleration"],
        "§ 25 Abs. 2 AufenthG",
    ),
    ("RO", 5, "ro", "Rumänisch", ["eu"], ""),
    ("PL", 4, "pl", "Polnisch", ["eu"], ""),
    ("BG", 4, "bg", "Bulgarisch, Türkisch", ["eu"], ""),
    ("IR", 4, "fa", "Persisch", ["permit", "asylum"], "§ 25 Abs. 2 AufenthG"),
    ("RU", 4, "ru", "Russisch", ["permit", "settlement"], "§ 18b AufenthG"),
    ("ER", 3, "ti", "Tigrinya, Arabisch", ["permit", "asylum"], "§ 25 Abs. 2 AufenthG"),
    ("SO", 2, "so", "Somali, Englisch", ["permit", "asylum", "toleration"], "§ 25 Abs. 2 AufenthG"),
    ("NG", 2, "en", "Englisch, Yoruba", ["permit", "asylum"], "§ 16b AufenthG"),
    ("IN", 3, "en", "Englisch, Hindi", ["permit"], "§ 18b AufenthG"),
    ("VN", 2, "vi", "Vietnamesisch", ["permit", "settlement"], "§ 28 AufenthG"),
    ("AL", 2, "sq", "Albanisch", ["permit", "toleration"], "§ 19c AufenthG"),
    ("MA", 2, "ar", "Arabisch, Französisch", ["permit"], "§ 18a AufenthG"),
    ("RS", 1, "sr", "Serbisch", ["permit"], "§ 19c AufenthG"),
    ("ES", 1, "es", "Spanisch", ["eu"], ""),
    ("GR", 1, "other", "Griechisch", ["eu"], ""),
]

# Given names in Latin script (female, male) and family names, per language group.

GERMAN_LEVELS = ["none"] * 3 + ["A1"] * 5 + ["A2"] * 5 + ["B1"] * 4 + ["B2"] * 2 + ["C1"]
EMPLOYMENT = (
    ["unemployed"] * 8
    + ["course"] * 4
    + ["marginal"] * 2
    + ["employed"] * 3
    + ["training", "school", "parental_leave", "self_employed", "other"]
)
BENEFITS = ["sgb2"] * 6 + ["none"] * 3 + ["asylblg"] * 2 + ["sgb12", "bafoeg", "other"]
DEGREES = (
    ["none"] * 2
    + ["primary"] * 3
    + ["lower_secondary"] * 3
    + ["secondary"] * 4
    + ["university_entrance"] * 3
    + ["university"] * 3
    + ["unknown"] * 2
)
COURSE = ["entitled"] * 4 + ["obliged"] * 2 + ["completed"] * 2 + ["none", "unknown"]
REFERRALS = (
    ["self"] * 4
    + ["jobcenter"] * 3
    + ["foreigners_authority"] * 2
    + ["course_provider"] * 2
    + ["family"] * 2
    + ["other_service", "other"]
)
CLOSURE_REASONS = (
    ["goals_reached"] * 5
    + ["no_contact"] * 3
    + ["moved"] * 2
    + ["handed_over"] * 2
    + ["person_wish", "other"]
)
CLOSURE_NOTES = [
    "",
    "",
    "",
    "Ziele weitgehend erreicht, Kontakt bei Bedarf wieder möglich.",
    "Umzug in eine andere Kommune, Unterlagen mitgegeben.",
    "Drei Termine ohne Rückmeldung, Fall geschlossen.",
    "An den Jugendmigrationsdienst übergeben.",
]
QUALIFICATIONS = [
    "Krankenpfleger/in",
    "Elektriker/in",
    "Lehrer/in (Grundschule)",
    "Bachelor Informatik",
    "Bauingenieur/in",
    "Friseur/in",
    "Kfz-Mechatroniker/in",
    "Apotheker/in",
    "Buchhalter/in",
    "Tischler/in",
    "Ärztin/Arzt",
    "Erzieher/in",
    "Koch/Köchin",
    "Master Betriebswirtschaft",
    "Schneider/in",
]
RECOGNITION = ["not_started"] * 3 + ["in_progress"] * 3 + ["recognised"] * 2 + ["partly", "refused"]
CHILD_NOTES = ["", "", "", "", "Förderbedarf Sprache", "Kita-Platz ab Sommer zugesagt"]

SESSION_MODES = ["in_person"] * 7 + ["phone"] * 2 + ["video", "messenger"]
SESSION_NOTES = [
    "Erstgespräch: Situation, Anliegen und Unterlagen besprochen.",
    "Anmeldung zum Integrationskurs gemeinsam ausgefüllt.",
    "Bescheid des Jobcenters erklärt, Widerspruchsfrist notiert.",
    "Unterlagen für die Anerkennung des Abschlusses zusammengestellt.",
    "Bewerbung und Lebenslauf überarbeitet.",
    "Kita-Anmeldung besprochen, Formular mitgegeben.",
    "Termin bei der Ausländerbehörde vorbereitet, Verlängerung beantragt.",
    "Fortschritte im Sprachkurs besprochen, Prüfungstermin steht fest.",
    "Wohnungssuche: Wohnberechtigungsschein beantragt.",
    "Gesundheitliche Situation besprochen, Adressen von Fachärzten gegeben.",
    "Kurzer Anruf: Rückfrage zum Kursbeginn geklärt.",
    "Vereinbarung gemeinsam überprüft, nächste Schritte festgelegt.",
]
NEXT_STEPS = [
    "",
    "",
    "Unterlagen zum nächsten Termin mitbringen.",
    "Anmeldung beim Kursträger bis Monatsende.",
    "Rückmeldung des Jobcenters abwarten.",
    "Zeugnisse übersetzen lassen.",
]
CONSENT_DATA = [
    "Name, Kontaktdaten, Sprachstand",
    "Name, Geburtsdatum, Aufenthaltsstatus",
    "Name, Kontaktdaten, Zeugnisse und Abschlüsse",
    "Name, Kontaktdaten, Kinder und Betreuungsbedarf",
]
CONSENT_PURPOSES = [
    "Vermittlung in einen Integrationskurs",
    "Abstimmung der Schritte mit dem Jobcenter",
    "Anerkennungsverfahren des ausländischen Abschlusses",
    "Vermittlung eines Kita-Platzes",
]

STRENGTHS = [
    "Hohe Motivation, schnell Deutsch zu lernen.",
    "Berufserfahrung im Herkunftsland, gute Englischkenntnisse.",
    "Unterstützendes familiäres Umfeld.",
    "Zuverlässig, hält Termine ein.",
    "Ehrenamtlich im Stadtteil aktiv.",
    "Gute digitale Kenntnisse.",
]
AMENDMENT_REASONS = [
    "Neues Ziel nach Zusage des Kita-Platzes.",
    "Integrationskurs abgeschlossen, Ziel Arbeit ergänzt.",
    "Umzug innerhalb der Stadt, Schritte angepasst.",
    "Anerkennungsbescheid liegt vor, Ziele neu gefasst.",
    "Zieltermine wegen Wartezeit auf den Kurs verschoben.",
]
ENDING_REASONS = {
    "completed": ["Alle Ziele erreicht.", "Vereinbarung regulär abgeschlossen."],
    "ended_early": [
        "Umzug in eine andere Kommune.",
        "Kein Kontakt mehr seit mehreren Monaten.",
        "Auf Wunsch der Person beendet.",
    ],
}
SUCCESSES = [
    "",
    "Sprachprüfung B1 bestanden.",
    "Kita-Platz für das jüngste Kind gefunden.",
    "Anerkennungsantrag gestellt.",
    "Minijob im Einzelhandel aufgenommen.",
    "Aufenthaltserlaubnis verlängert.",
    "Regelmäßige Teilnahme am Integrationskurs.",
]
HURDLES = [
    ("", []),
    ("Wartezeit auf den Integrationskurs.", ["course_waiting"]),
    ("Noch kein Kita-Platz, Kurs deshalb unterbrochen.", ["no_childcare"]),
    ("Anerkennungsbescheid steht noch aus.", ["recognition_pending"]),
    ("Gesundheitliche Probleme.", ["health"]),
    ("Schwierigkeiten bei der Wohnungssuche.", ["housing"]),
    ("Leistungsbescheid verzögert, finanzielle Engpässe.", ["money"]),
    ("Kurs abgebrochen, Kinderbetreuung fehlt.", ["no_childcare", "course_waiting"]),
]
REVIEW_CHANGES = ["", "", "Zieltermin angepasst.", "Schritt ergänzt.", "Kursträger gewechselt."]

# Short notes a counsellor records with a step's progress, by the step's new status; partner
# steps have their own (what the partner said), the others fit any step.
PROGRESS_NOTES = {
    "done": [
        "Erledigt, Nachweis liegt in der Akte.",
        "Termin wahrgenommen.",
        "Antrag gestellt, Eingangsbestätigung liegt vor.",
        "Unterlagen vollständig eingereicht.",
        "Im Beratungsgespräch gemeinsam erledigt.",
        "",
    ],
    "in_progress": [
        "Termin ist vereinbart.",
        "Unterlagen werden gesammelt.",
        "Erster Teil erledigt, Rest folgt.",
        "Formular ausgefüllt, fehlt noch eine Unterschrift.",
        "Angefangen, nächster Schritt im Beratungsgespräch besprochen.",
    ],
    "postponed": [
        "Krankheit, neuer Termin vereinbart.",
        "Unterlagen aus dem Herkunftsland fehlen noch.",
        "Kinderbetreuung fehlt, deshalb später.",
        "Termin beim Amt erst später frei.",
        "Wegen Umzug innerhalb der Stadt verschoben.",
    ],
    "cancelled": [
        "Nicht mehr nötig, anders gelöst.",
        "Auf Wunsch der Person gestrichen.",
        "Angebot gibt es nicht mehr.",
    ],
}
PARTNER_PROGRESS_NOTES = {
    "done": [
        "Partner hat die Teilnahme bestätigt.",
        "Zusage des Partners liegt vor.",
        "Platz zugesagt, Beginn bestätigt.",
    ],
    "in_progress": [
        "Anfrage beim Partner gestellt, Antwort steht aus.",
        "Erstgespräch beim Partner hat stattgefunden.",
        "Auf der Warteliste des Partners.",
    ],
    "postponed": [
        "Wartezeit beim Partner, nächster Kurs beginnt später.",
        "Partner meldet sich erst nach den Ferien.",
        "Zuständige Stelle beim Partner nicht besetzt, Termin verschoben.",
    ],
    "cancelled": ["Partner hat abgesagt, anderer Weg gesucht.", "Kein freier Platz beim Partner."],
}
# When the agreement ends: what became of the steps nobody finished.
ENDED_STEP_NOTE = "Mit dem Ende der Vereinbarung nicht weiterverfolgt."
# A review's comment on a step (most say nothing beyond the status).
STEP_OUTCOME_COMMENTS = {
    "done": ["", "", "", "Gut geklappt.", "Früher als geplant erledigt."],
    "in_progress": ["", "", "", "Läuft, nächster Termin steht.", "Braucht noch Unterstützung."],
    "open": ["", "", "", "Noch nicht begonnen.", "Beim nächsten Gespräch gemeinsam angehen."],
    "postponed": ["", "Neuer Termin gemeinsam vereinbart.", "Wartezeit, später weiter."],
    "cancelled": ["", "Gemeinsam gestrichen.", "Nicht mehr nötig."],
}
# The client's view at a review: "Hilft Ihnen die Vereinbarung?" on a 1-5 scale (the model
# project found goals reached to a high degree, so most answers are favourable), what
# helped most, what should change.
CLIENT_RATINGS = [5] * 7 + [4] * 7 + [3] * 4 + [2] * 2 + [1]
CLIENT_MOST_HELPFUL = [
    "Dass wir die Schritte gemeinsam aufgeschrieben haben.",
    "Die festen Termine in der Beratung.",
    "Hilfe bei den Briefen vom Amt.",
    "Der Platz im Integrationskurs.",
    "Die Begleitung zum Jobcenter.",
    "Dass jemand nachfragt, wie es läuft.",
    "Die Hilfe bei der Kita-Anmeldung.",
    "Erklärungen in meiner Sprache.",
]
CLIENT_WISHES = [
    "Schnellere Termine beim Amt.",
    "Mehr Hilfe bei der Wohnungssuche.",
    "Einen Sprachkurs am Abend.",
    "Öfter Zeit für ein Gespräch.",
    "Dass es mit der Kita schneller geht.",
    "Nichts, es passt so.",
]

# Goals and their steps per area: (goal text, own words, [(step, responsible, partner kind)])

# Goals and steps come from the product's goal catalogue (agreements migration 0003), the
# texts counsellors pick from: {area: [(goal, [(step, responsible, partner kind)])]}.
GOALS: dict[str, list] = {}
for _area, _text, _steps in import_module("agreements.migrations.0003_goal_catalogue").CATALOGUE:
    GOALS.setdefault(_area, []).append((_text, _steps))
# What the person wants, in their own words (half the goals carry one).
OWN_WORDS = {
    Area.LANGUAGE: ["Ich will gut Deutsch sprechen.", "Ich will lesen und schreiben lernen."],
    Area.EDUCATION: ["Ich möchte eine Ausbildung machen.", "Ich will einen Abschluss haben."],
    Area.WORK: ["Ich will arbeiten.", "Ich will mein eigenes Geld verdienen."],
    Area.RECOGNITION: ["Ich will in meinem Beruf arbeiten."],
    Area.CHILDCARE: ["Mein Kind soll in die Kita.", "Meine Kinder sollen gut in der Schule sein."],
    Area.HOUSING: ["Wir brauchen eine größere Wohnung."],
    Area.HEALTH: ["Ich will wieder gesund werden."],
    Area.RESIDENCE: ["Ich will sicher hier bleiben."],
    Area.MONEY: ["Ich will meine Rechnungen bezahlen können."],
    Area.PARTICIPATION: ["Ich möchte Leute kennenlernen."],
}
# Interpreters by the language they interpret (names as the centre notes them); a person
# keeps one interpreter for sessions and agreements.
INTERPRETERS = {
    "ar": ["Rana Haddad", "Samir Khoury", "Lina Mansour"],
    "fa": ["Farida Ahmadi", "Reza Karimi"],
    "tr": ["Aylin Demir", "Mehmet Yıldız"],
    "ru": ["Tatjana Petrowa", "Sergej Wolkow"],
    "uk": ["Olena Kowalenko", "Andrij Schewtschenko"],
    "ti": ["Senait Tesfaye", "Yonas Gebremedhin"],
    "so": ["Hodan Ali", "Abdirahman Farah"],
    "en": ["Grace Mensah", "Samuel Okafor"],
}
INTERPRETERS_ANY = ["Miriam Schulz", "Daniel Weber", "Elif Kaya", "Ana Popescu"]
# Amendments of the demo's three-version agreement: each adds a goal in this area, for this
# reason (the first area not yet among the person's goals).
SHOWCASE_AMENDMENTS = [
    (Area.WORK, "Integrationskurs abgeschlossen, Ziel Arbeit ergänzt."),
    (Area.RECOGNITION, "Zeugnisse aus dem Herkunftsland gefunden, Ziel Anerkennung ergänzt."),
    (Area.EDUCATION, "Interesse an einer Ausbildung, Ziel Ausbildung ergänzt."),
    (Area.HOUSING, "Familie zieht nach, Ziel Wohnung ergänzt."),
]
