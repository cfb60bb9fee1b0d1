"""Word lists the generator draws from: names, places and the German texts of a case file.

Weighted lists repeat an entry instead of carrying weights, so drawing is one index.
"""

from __future__ import annotations

from sites.enums import Area

# Municipalities beyond the model project's 18, for national sizes (name, federal state).
CITIES = [
    ("Aachen", "NW"),
    ("Augsburg", "BY"),
    ("Bamberg", "BY"),
    ("Bayreuth", "BY"),
    ("Bielefeld", "NW"),
    ("Bochum", "NW"),
    ("Bonn", "NW"),
    ("Bottrop", "NW"),
    ("Brandenburg an der Havel", "BB"),
    ("Braunschweig", "NI"),
    ("Bremen", "HB"),
    ("Bremerhaven", "HB"),
    ("Chemnitz", "SN"),
    ("Cottbus", "BB"),
    ("Darmstadt", "HE"),
    ("Dessau-Roßlau", "ST"),
    ("Dortmund", "NW"),
    ("Dresden", "SN"),
    ("Duisburg", "NW"),
    ("Düren", "NW"),
    ("Düsseldorf", "NW"),
    ("Erfurt", "TH"),
    ("Erlangen", "BY"),
    ("Flensburg", "SH"),
    ("Frankfurt am Main", "HE"),
    ("Frankfurt (Oder)", "BB"),
    ("Fulda", "HE"),
    ("Fürth", "BY"),
    ("Gelsenkirchen", "NW"),
    ("Gera", "TH"),
    ("Gießen", "HE"),
    ("Gütersloh", "NW"),
    ("Hagen", "NW"),
    ("Halle (Saale)", "ST"),
    ("Hamburg-Altona", "HH"),
    ("Hamburg-Harburg", "HH"),
    ("Hamburg-Mitte", "HH"),
    ("Hanau", "HE"),
    ("Heidelberg", "BW"),
    ("Heilbronn", "BW"),
    ("Herne", "NW"),
    ("Hildesheim", "NI"),
    ("Ingolstadt", "BY"),
    ("Jena", "TH"),
    ("Kaiserslautern", "RP"),
    ("Karlsruhe", "BW"),
    ("Kassel", "HE"),
    ("Kiel", "SH"),
    ("Koblenz", "RP"),
    ("Köln", "NW"),
    ("Krefeld", "NW"),
    ("Landshut", "BY"),
    ("Leverkusen", "NW"),
    ("Lübeck", "SH"),
    ("Lüneburg", "NI"),
    ("Magdeburg", "ST"),
    ("Mainz", "RP"),
    ("Mannheim", "BW"),
    ("Marburg", "HE"),
    ("Moers", "NW"),
    ("Mönchengladbach", "NW"),
    ("Mülheim an der Ruhr", "NW"),
    ("Münster", "NW"),
    ("Neubrandenburg", "MV"),
    ("Neuss", "NW"),
    ("Oberhausen", "NW"),
    ("Offenbach am Main", "HE"),
    ("Oldenburg", "NI"),
    ("Osnabrück", "NI"),
    ("Paderborn", "NW"),
    ("Pforzheim", "BW"),
    ("Potsdam", "BB"),
    ("Recklinghausen", "NW"),
    ("Regensburg", "BY"),
    ("Remscheid", "NW"),
    ("Reutlingen", "BW"),
    ("Rostock", "MV"),
    ("Salzgitter", "NI"),
    ("Schwerin", "MV"),
    ("Siegen", "NW"),
    ("Solingen", "NW"),
    ("Trier", "RP"),
    ("Tübingen", "BW"),
    ("Ulm", "BW"),
    ("Weimar", "TH"),
    ("Wolfsburg", "NI"),
    ("Worms", "RP"),
    ("Wuppertal", "NW"),
    ("Würzburg", "BY"),
    ("Zwickau", "SN"),
    ("Berlin Mitte", "BE"),
    ("Berlin Neukölln", "BE"),
    ("Berlin Spandau", "BE"),
    ("Berlin Marzahn-Hellersdorf", "BE"),
    ("Berlin Lichtenberg", "BE"),
    ("Berlin Friedrichshain-Kreuzberg", "BE"),
    ("Berlin Reinickendorf", "BE"),
    ("Landkreis Harburg", "NI"),
    ("Landkreis Göppingen", "BW"),
    ("Rhein-Sieg-Kreis", "NW"),
    ("Kreis Offenbach", "HE"),
    ("Landkreis Leipzig", "SN"),
    ("Ortenaukreis", "BW"),
    ("Landkreis Rosenheim", "BY"),
    ("Main-Kinzig-Kreis", "HE"),
    ("Kreis Mettmann", "NW"),
    ("Landkreis Ludwigsburg", "BW"),
    ("Rhein-Neckar-Kreis", "BW"),
    ("Landkreis Esslingen", "BW"),
    ("Region Hannover Land", "NI"),
    ("Landkreis Vorpommern-Greifswald", "MV"),
    ("Saalekreis", "ST"),
    ("Landkreis Gotha", "TH"),
    ("Kreis Pinneberg", "SH"),
    ("Landkreis Oder-Spree", "BB"),
    ("Saarpfalz-Kreis", "SL"),
    ("Landkreis Neunkirchen", "SL"),
]

PROVIDERS = [
    "Caritasverband",
    "Diakonisches Werk",
    "Arbeiterwohlfahrt (AWO)",
    "Deutsches Rotes Kreuz",
    "Der Paritätische",
    "Internationaler Bund",
    "Evangelische Jugendhilfe",
]
STREETS = [
    "Hauptstraße",
    "Bahnhofstraße",
    "Kirchstraße",
    "Schulstraße",
    "Gartenstraße",
    "Lindenstraße",
    "Bergstraße",
    "Goethestraße",
    "Schillerstraße",
    "Ringstraße",
    "Friedrichstraße",
    "Wilhelmstraße",
    "Am Markt",
    "Mühlenweg",
    "Rosenweg",
    "Parkstraße",
]

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
NAMES = {
    "de": (
        ["Anna", "Julia", "Sabine", "Katharina", "Miriam", "Lena", "Sarah", "Claudia"],
        ["Jonas", "Lukas", "Stefan", "Tobias", "Daniel", "Michael", "Thomas", "Markus"],
        [
            "Becker",
            "Schmidt",
            "Weber",
            "Hoffmann",
            "Schulz",
            "Wagner",
            "Krüger",
            "Neumann",
            "Fischer",
            "Lange",
            "Braun",
            "Richter",
            "Wolf",
            "Schäfer",
        ],
    ),
    "ar": (
        ["Amina", "Fatima", "Layla", "Nour", "Rania", "Hiba", "Yasmin", "Salma", "Mariam", "Rasha"],
        [
            "Ahmad",
            "Mohammed",
            "Omar",
            "Khaled",
            "Yusuf",
            "Ali",
            "Hassan",
            "Samir",
            "Tarek",
            "Bilal",
        ],
        [
            "Al-Hassan",
            "Haddad",
            "Khalil",
            "Mansour",
            "Nasser",
            "Saleh",
            "Darwish",
            "Aziz",
            "Hamdan",
            "Qasim",
            "Al-Masri",
            "Ibrahim",
        ],
    ),
    "uk": (
        ["Olena", "Iryna", "Oksana", "Natalija", "Tetjana", "Switlana", "Julija", "Marija"],
        ["Andrij", "Oleksandr", "Dmytro", "Serhij", "Mykola", "Wolodymyr", "Taras", "Bohdan"],
        [
            "Petrenko",
            "Kowalenko",
            "Bondarenko",
            "Schewtschenko",
            "Tkatschenko",
            "Kravtschuk",
            "Melnyk",
            "Lysenko",
            "Oliynyk",
            "Hrytsenko",
        ],
    ),
    "fa": (
        ["Zahra", "Maryam", "Fatemeh", "Shirin", "Parisa", "Soraya", "Nargis", "Mahsa"],
        ["Ahmad", "Reza", "Hamid", "Mahmoud", "Farid", "Javad", "Mustafa", "Nasir"],
        ["Ahmadi", "Rahimi", "Hosseini", "Karimi", "Mohammadi", "Sultani", "Noori", "Haidari"],
    ),
    "tr": (
        ["Ayşe", "Elif", "Fatma", "Zeynep", "Emine", "Hatice", "Özlem", "Gül"],
        ["Mehmet", "Mustafa", "Murat", "Hüseyin", "İbrahim", "Ömer", "Emre", "Çağrı"],
        ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın", "Doğan"],
    ),
    "ro": (
        ["Ana", "Maria", "Elena", "Ioana", "Andreea", "Mihaela"],
        ["Andrei", "Ion", "Mihai", "Ștefan", "Gheorghe", "Florin"],
        ["Popescu", "Ionescu", "Dumitru", "Stoica", "Constantin", "Munteanu", "Rădulescu"],
    ),
    "pl": (
        ["Agnieszka", "Katarzyna", "Małgorzata", "Joanna", "Zofia", "Anna"],
        ["Piotr", "Krzysztof", "Tomasz", "Paweł", "Łukasz", "Michał"],
        ["Kowalski", "Nowak", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński"],
    ),
    "bg": (
        ["Maria", "Ivanka", "Desislava", "Elena", "Rositsa"],
        ["Georgi", "Dimitar", "Ivan", "Nikolai", "Stojan"],
        ["Iwanow", "Petrowa", "Dimitrow", "Georgiewa", "Nikolow", "Todorow"],
    ),
    "ru": (
        ["Jelena", "Tatjana", "Natalja", "Swetlana", "Olga", "Anastasija"],
        ["Sergej", "Alexej", "Dmitrij", "Wladimir", "Igor", "Nikolaj"],
        ["Iwanow", "Smirnow", "Kusnezow", "Popow", "Wolkow", "Sokolowa", "Morosow"],
    ),
    "ti": (
        ["Senait", "Helen", "Mebrat", "Saba", "Freweyni"],
        ["Yonas", "Tesfay", "Dawit", "Berhane", "Samuel"],
        ["Tesfamariam", "Gebremedhin", "Haile", "Kidane", "Abraha", "Weldemichael"],
    ),
    "so": (
        ["Hodan", "Amran", "Sahra", "Fadumo", "Ifrah"],
        ["Abdi", "Mohamed", "Abdullahi", "Hassan", "Farah"],
        ["Warsame", "Abdi", "Hirsi", "Jama", "Osman", "Yusuf"],
    ),
    "en": (
        ["Chioma", "Priya", "Aisha", "Ananya", "Grace", "Blessing"],
        ["Emeka", "Rahul", "Oluwaseun", "Arjun", "Chinedu", "Vikram"],
        ["Okafor", "Sharma", "Adeyemi", "Patel", "Nwosu", "Singh", "Reddy", "Balogun"],
    ),
    "vi": (
        ["Linh", "Hương", "Thảo", "Mai", "Ngọc"],
        ["Minh", "Tuấn", "Dũng", "Hùng", "Quang"],
        ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"],
    ),
    "sq": (
        ["Arta", "Blerina", "Drita", "Elona", "Fjolla"],
        ["Arben", "Besnik", "Driton", "Fatmir", "Ilir"],
        ["Krasniqi", "Gashi", "Berisha", "Morina", "Hoxha", "Shala"],
    ),
    "sr": (
        ["Jelena", "Milica", "Ivana", "Dragana"],
        ["Nikola", "Stefan", "Milan", "Dragan"],
        ["Jovanović", "Petrović", "Nikolić", "Marković", "Đorđević"],
    ),
    "es": (
        ["Lucía", "María", "Carmen", "Sofía"],
        ["José", "Javier", "Alejandro", "Álvaro"],
        ["García", "Fernández", "González", "Rodríguez", "López", "Martínez"],
    ),
    "other": (
        ["Eleni", "Dimitra", "Sofia", "Katerina"],
        ["Georgios", "Nikolaos", "Konstantinos", "Dimitrios"],
        ["Papadopoulos", "Nikolaidis", "Georgiou", "Christodoulou"],
    ),
}
# Some people from Ukraine and Syria are recorded in their own script, with the Latin
# transliteration beside it (the field the search also looks at).
NATIVE_SCRIPT = {
    "uk": [
        ("Олена", "Петренко", "Olena Petrenko"),
        ("Андрій", "Коваленко", "Andrij Kowalenko"),
        ("Ірина", "Бондаренко", "Iryna Bondarenko"),
        ("Тарас", "Шевченко", "Taras Schewtschenko"),
    ],
    "ar": [
        ("أحمد", "الحسن", "Ahmad Al-Hassan"),
        ("فاطمة", "خليل", "Fatima Khalil"),
        ("عمر", "منصور", "Omar Mansour"),
        ("نور", "حداد", "Nour Haddad"),
    ],
}

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

# Goals and their steps per area: (goal text, own words, [(step, responsible, partner kind)])
GOALS = {
    Area.LANGUAGE: [
        (
            "Integrationskurs bis Niveau B1 abschließen",
            "Ich will gut Deutsch sprechen.",
            [
                ("Anmeldung beim Kursträger", "migrant", ""),
                ("Berechtigungsschein beim BAMF beantragen", "counsellor", ""),
                ("Kursplatz vermitteln", "partner", "course_provider"),
            ],
        ),
        (
            "Alphabetisierungskurs besuchen",
            "Ich will lesen und schreiben lernen.",
            [
                ("Einstufungstest machen", "migrant", ""),
                ("Platz im Alphabetisierungskurs vermitteln", "partner", "course_provider"),
            ],
        ),
        (
            "Deutschprüfung B2 bestehen",
            "",
            [
                ("Berufssprachkurs beantragen", "counsellor", ""),
                ("Prüfung anmelden", "migrant", ""),
            ],
        ),
    ],
    Area.EDUCATION: [
        (
            "Einen Ausbildungsplatz finden",
            "Ich möchte eine Ausbildung machen.",
            [
                ("Berufsberatung wahrnehmen", "partner", "employment_agency"),
                ("Bewerbungsunterlagen erstellen", "migrant", ""),
            ],
        ),
        (
            "Schulabschluss nachholen",
            "",
            [
                ("Anmeldung an der Abendschule", "migrant", ""),
                ("Berufsvorbereitungsjahr prüfen", "partner", "school"),
            ],
        ),
    ],
    Area.WORK: [
        (
            "Eine sozialversicherungspflichtige Arbeit aufnehmen",
            "Ich will arbeiten.",
            [
                ("Termin bei der Arbeitsvermittlung", "partner", "jobcenter"),
                ("Lebenslauf auf Deutsch schreiben", "migrant", ""),
                ("Bewerbungen gemeinsam durchsehen", "counsellor", ""),
            ],
        ),
        (
            "Praktikum im Berufsfeld finden",
            "",
            [
                ("Praktikumsbetriebe heraussuchen", "counsellor", ""),
                ("Bewerbung abschicken", "migrant", ""),
            ],
        ),
    ],
    Area.RECOGNITION: [
        (
            "Ausländischen Berufsabschluss anerkennen lassen",
            "Ich will in meinem Beruf arbeiten.",
            [
                ("Anerkennungsberatung wahrnehmen", "partner", "recognition"),
                ("Zeugnisse übersetzen lassen", "migrant", ""),
                ("Antrag auf Anerkennung stellen", "migrant", ""),
            ],
        ),
    ],
    Area.CHILDCARE: [
        (
            "Einen Kita-Platz für das jüngste Kind finden",
            "Mein Kind soll in die Kita.",
            [
                ("Kita-Anmeldung beim Jugendamt", "partner", "childcare"),
                ("Kita-Gutschein beantragen", "migrant", ""),
            ],
        ),
        (
            "Schulanmeldung der Kinder",
            "",
            [
                ("Anmeldung an der Grundschule", "migrant", ""),
                ("Gespräch mit der Schulsozialarbeit vereinbaren", "counsellor", ""),
            ],
        ),
    ],
    Area.HOUSING: [
        (
            "Eine eigene Wohnung finden",
            "Wir brauchen eine größere Wohnung.",
            [
                ("Wohnberechtigungsschein beantragen", "migrant", ""),
                ("Wohnungsangebote gemeinsam prüfen", "counsellor", ""),
            ],
        ),
    ],
    Area.HEALTH: [
        (
            "Gesundheitliche Versorgung klären",
            "",
            [
                ("Hausarzt finden", "migrant", ""),
                ("Psychosoziale Beratung vermitteln", "partner", "health"),
            ],
        ),
    ],
    Area.RESIDENCE: [
        (
            "Aufenthaltstitel rechtzeitig verlängern",
            "Ich will sicher hier bleiben.",
            [
                ("Termin bei der Ausländerbehörde", "partner", "foreigners_authority"),
                ("Unterlagen für die Verlängerung zusammenstellen", "migrant", ""),
            ],
        ),
        (
            "Niederlassungserlaubnis beantragen",
            "",
            [
                ("Voraussetzungen prüfen", "counsellor", ""),
                ("Antrag bei der Ausländerbehörde stellen", "partner", "foreigners_authority"),
            ],
        ),
    ],
    Area.MONEY: [
        (
            "Lebensunterhalt sichern",
            "",
            [
                ("Antrag auf Bürgergeld stellen", "partner", "jobcenter"),
                ("Kindergeld beantragen", "migrant", ""),
            ],
        ),
    ],
    Area.PARTICIPATION: [
        (
            "Kontakte im Stadtteil knüpfen",
            "Ich möchte Leute kennenlernen.",
            [
                ("Sprachcafé besuchen", "migrant", ""),
                ("Ehrenamtliche Patenschaft vermitteln", "counsellor", ""),
            ],
        ),
    ],
}
