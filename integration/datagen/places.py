"""Places the generated data lives in: municipalities with a real postcode, the demo's
centres, the partners every municipality has, streets and providers.

A municipality's postcode and town are real (for a district: its seat or a town in it),
so a generated address reads like one: "Bahnhofstraße 12, 67059 Ludwigshafen".
"""

from __future__ import annotations

from dataclasses import dataclass

from sites.enums import Area, PartnerKind


@dataclass(frozen=True)
class Place:
    name: str  # the municipality
    state: str
    postcode: str
    town: str  # where its addresses are


def _places(table: str) -> list[Place]:
    rows = [[cell.strip() for cell in line.split("|")] for line in table.strip().splitlines()]
    return [Place(name, state, postcode, town or name) for name, state, postcode, town in rows]


# The model project's 18 sites (also initial data, sites migration 0002), with the demo's
# centre codes and how many centres each has: 87 in all, larger cities more.
MODEL_PROJECT = _places("""
Berlin Tempelhof-Schöneberg | BE | 10825 | Berlin
München                     | BY | 80331 |
Hamburg-Wilhelmsburg        | HH | 21107 | Hamburg
Stuttgart                   | BW | 70173 |
Nürnberg                    | BY | 90402 |
Essen                       | NW | 45127 |
Hannover                    | NI | 30159 |
Leipzig                     | SN | 04109 |
Ludwigshafen am Rhein       | RP | 67059 | Ludwigshafen
Wiesbaden                   | HE | 65183 |
Freiburg im Breisgau        | BW | 79098 |
Göttingen                   | NI | 37073 |
Hamm                        | NW | 59065 |
Saarbrücken                 | SL | 66111 |
Landkreis Mayen-Koblenz     | RP | 56727 | Mayen
Wetzlar                     | HE | 35578 |
Neumünster                  | SH | 24534 |
Stendal                     | ST | 39576 |
""")
DEMO_CENTRES = {  # municipality: (code prefix, centres)
    "Berlin Tempelhof-Schöneberg": ("BTS", 7),
    "München": ("M", 7),
    "Hamburg-Wilhelmsburg": ("HHW", 6),
    "Stuttgart": ("S", 6),
    "Nürnberg": ("N", 5),
    "Essen": ("E", 6),
    "Hannover": ("H", 5),
    "Leipzig": ("L", 5),
    "Ludwigshafen am Rhein": ("LU", 5),
    "Wiesbaden": ("WI", 5),
    "Freiburg im Breisgau": ("FR", 4),
    "Göttingen": ("GOE", 4),
    "Hamm": ("HAM", 4),
    "Saarbrücken": ("SB", 4),
    "Landkreis Mayen-Koblenz": ("MYK", 4),
    "Wetzlar": ("WZ", 3),
    "Neumünster": ("NMS", 4),
    "Stendal": ("SDL", 3),
}

# Municipalities beyond the model project's, in the order a national size takes them.
CITIES = _places("""
Aachen                   | NW | 52062 |
Augsburg                 | BY | 86150 |
Bamberg                  | BY | 96047 |
Bayreuth                 | BY | 95444 |
Bielefeld                | NW | 33602 |
Bochum                   | NW | 44787 |
Bonn                     | NW | 53111 |
Bottrop                  | NW | 46236 |
Brandenburg an der Havel | BB | 14776 |
Braunschweig             | NI | 38100 |
Bremen                   | HB | 28195 |
Bremerhaven              | HB | 27568 |
Chemnitz                 | SN | 09111 |
Cottbus                  | BB | 03046 |
Darmstadt                | HE | 64283 |
Dessau-Roßlau            | ST | 06844 |
Dortmund                 | NW | 44135 |
Dresden                  | SN | 01067 |
Duisburg                 | NW | 47051 |
Düren                    | NW | 52349 |
Düsseldorf               | NW | 40213 |
Erfurt                   | TH | 99084 |
Erlangen                 | BY | 91054 |
Flensburg                | SH | 24937 |
Frankfurt am Main        | HE | 60311 |
Frankfurt (Oder)         | BB | 15230 |
Fulda                    | HE | 36037 |
Fürth                    | BY | 90762 |
Gelsenkirchen            | NW | 45879 |
Gera                     | TH | 07545 |
Gießen                   | HE | 35390 |
Gütersloh                | NW | 33330 |
Hagen                    | NW | 58095 |
Halle (Saale)            | ST | 06108 |
Hamburg-Altona           | HH | 22765 | Hamburg
Hamburg-Harburg          | HH | 21073 | Hamburg
Hamburg-Mitte            | HH | 20095 | Hamburg
Hanau                    | HE | 63450 |
Heidelberg               | BW | 69117 |
Heilbronn                | BW | 74072 |
Herne                    | NW | 44623 |
Hildesheim               | NI | 31134 |
Ingolstadt               | BY | 85049 |
Jena                     | TH | 07743 |
Kaiserslautern           | RP | 67655 |
Karlsruhe                | BW | 76133 |
Kassel                   | HE | 34117 |
Kiel                     | SH | 24103 |
Koblenz                  | RP | 56068 |
Köln                     | NW | 50667 |
Krefeld                  | NW | 47798 |
Landshut                 | BY | 84028 |
Leverkusen               | NW | 51373 |
Lübeck                   | SH | 23552 |
Lüneburg                 | NI | 21335 |
Magdeburg                | ST | 39104 |
Mainz                    | RP | 55116 |
Mannheim                 | BW | 68159 |
Marburg                  | HE | 35037 |
Moers                    | NW | 47441 |
Mönchengladbach          | NW | 41061 |
Mülheim an der Ruhr      | NW | 45468 |
Münster                  | NW | 48143 |
Neubrandenburg           | MV | 17033 |
Neuss                    | NW | 41460 |
Oberhausen               | NW | 46045 |
Offenbach am Main        | HE | 63065 |
Oldenburg                | NI | 26122 |
Osnabrück                | NI | 49074 |
Paderborn                | NW | 33098 |
Pforzheim                | BW | 75175 |
Potsdam                  | BB | 14467 |
Recklinghausen           | NW | 45657 |
Regensburg               | BY | 93047 |
Remscheid                | NW | 42853 |
Reutlingen               | BW | 72764 |
Rostock                  | MV | 18055 |
Salzgitter               | NI | 38226 |
Schwerin                 | MV | 19053 |
Siegen                   | NW | 57072 |
Solingen                 | NW | 42651 |
Trier                    | RP | 54290 |
Tübingen                 | BW | 72070 |
Ulm                      | BW | 89073 |
Weimar                   | TH | 99423 |
Wolfsburg                | NI | 38440 |
Worms                    | RP | 67547 |
Wuppertal                | NW | 42103 |
Würzburg                 | BY | 97070 |
Zwickau                  | SN | 08056 |
Berlin Mitte             | BE | 10117 | Berlin
Berlin Neukölln          | BE | 12043 | Berlin
Berlin Spandau           | BE | 13597 | Berlin
Berlin Marzahn-Hellersdorf      | BE | 12679 | Berlin
Berlin Lichtenberg              | BE | 10365 | Berlin
Berlin Friedrichshain-Kreuzberg | BE | 10997 | Berlin
Berlin Reinickendorf            | BE | 13437 | Berlin
Landkreis Harburg               | NI | 21423 | Winsen (Luhe)
Landkreis Göppingen             | BW | 73033 | Göppingen
Rhein-Sieg-Kreis                | NW | 53721 | Siegburg
Kreis Offenbach                 | HE | 63128 | Dietzenbach
Landkreis Leipzig               | SN | 04552 | Borna
Ortenaukreis                    | BW | 77652 | Offenburg
Landkreis Rosenheim             | BY | 83043 | Bad Aibling
Main-Kinzig-Kreis               | HE | 63571 | Gelnhausen
Kreis Mettmann                  | NW | 40822 | Mettmann
Landkreis Ludwigsburg           | BW | 71638 | Ludwigsburg
Rhein-Neckar-Kreis              | BW | 69168 | Wiesloch
Landkreis Esslingen             | BW | 73728 | Esslingen am Neckar
Region Hannover Land            | NI | 30823 | Garbsen
Landkreis Vorpommern-Greifswald | MV | 17489 | Greifswald
Saalekreis                      | ST | 06217 | Merseburg
Landkreis Gotha                 | TH | 99867 | Gotha
Kreis Pinneberg                 | SH | 25421 | Pinneberg
Landkreis Oder-Spree            | BB | 15848 | Beeskow
Saarpfalz-Kreis                 | SL | 66424 | Homburg
Landkreis Neunkirchen           | SL | 66538 | Neunkirchen
Aschaffenburg            | BY | 63739 |
Baden-Baden              | BW | 76530 |
Celle                    | NI | 29221 |
Coburg                   | BY | 96450 |
Delmenhorst              | NI | 27749 |
Detmold                  | NW | 32756 |
Emden                    | NI | 26721 |
Friedrichshafen          | BW | 88045 |
Görlitz                  | SN | 02826 |
Hameln                   | NI | 31785 |
Iserlohn                 | NW | 58636 |
Kempten (Allgäu)         | BY | 87435 |
Konstanz                 | BW | 78462 |
Minden                   | NW | 32423 |
Passau                   | BY | 94032 |
Plauen                   | SN | 08523 |
Speyer                   | RP | 67346 |
Stralsund                | MV | 18439 |
Wilhelmshaven            | NI | 26382 |
Witten                   | NW | 58452 |
""")
PLACES = {place.name: place for place in MODEL_PROJECT + CITIES}

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
    "Mühlenweg",
    "Rosenweg",
    "Parkstraße",
    "Am Markt",
]
# Every municipality has each kind of partner once, with its offers: (kind, name, offers).
PARTNERS = [
    (
        PartnerKind.JOBCENTER,
        "Jobcenter {city}",
        [(Area.WORK, "Vermittlung in Arbeit"), (Area.MONEY, "Bürgergeld-Beratung")],
    ),
    (
        PartnerKind.FOREIGNERS_AUTHORITY,
        "Ausländerbehörde {city}",
        [(Area.RESIDENCE, "Beratung zum Aufenthaltstitel")],
    ),
    (
        PartnerKind.EMPLOYMENT_AGENCY,
        "Agentur für Arbeit {city}",
        [(Area.EDUCATION, "Berufsberatung"), (Area.LANGUAGE, "Berufssprachkurs (DeuFöV)")],
    ),
    (
        PartnerKind.COURSE_PROVIDER,
        "Volkshochschule {city}",
        [
            (Area.LANGUAGE, "Integrationskurs (B1)"),
            (Area.LANGUAGE, "Alphabetisierungskurs"),
            (Area.LANGUAGE, "Integrationskurs mit Kinderbetreuung"),
        ],
    ),
    (
        PartnerKind.CHILDCARE,
        "Jugendamt {city} – Kita-Platzvergabe",
        [(Area.CHILDCARE, "Kita-Platz-Vermittlung")],
    ),
    (
        PartnerKind.RECOGNITION,
        "IQ Anerkennungsberatung {city}",
        [(Area.RECOGNITION, "Anerkennungsberatung für ausländische Abschlüsse")],
    ),
    (
        PartnerKind.SCHOOL,
        "Berufsbildende Schule {city}",
        [(Area.EDUCATION, "Berufsvorbereitungsjahr")],
    ),
    (PartnerKind.HEALTH, "Gesundheitsamt {city}", [(Area.HEALTH, "Psychosoziale Beratung")]),
]
