"""Demo master data at the model project's scale: 18 municipalities, 87 centres."""

from __future__ import annotations

import random
from functools import cache
from importlib import import_module

from django.contrib.auth.hashers import make_password
from django.db import transaction

from sites.enums import Area, PartnerKind, Role, ServiceType
from sites.models import CounsellingCentre, Membership, Municipality, Offer, Partner, User

DEMO_PASSWORD = "integration-demo"  # noqa: S105 - documented demo login, never production

PROVIDERS = [
    "Caritasverband",
    "Diakonisches Werk",
    "Arbeiterwohlfahrt (AWO)",
    "Deutsches Rotes Kreuz",
    "Der Paritätische",
    "Internationaler Bund",
]
SERVICE_CYCLE = [ServiceType.MBE, ServiceType.JMD, ServiceType.MBE, ServiceType.MUNICIPAL]
# 87 centres over 18 municipalities: larger cities get more.
CENTRES_PER_MUNICIPALITY = {
    "Berlin Tempelhof-Schöneberg": 7,
    "München": 7,
    "Hamburg-Wilhelmsburg": 6,
    "Stuttgart": 6,
    "Nürnberg": 5,
    "Essen": 6,
    "Hannover": 5,
    "Leipzig": 5,
    "Ludwigshafen am Rhein": 5,
    "Wiesbaden": 5,
    "Freiburg im Breisgau": 4,
    "Göttingen": 4,
    "Hamm": 4,
    "Saarbrücken": 4,
    "Landkreis Mayen-Koblenz": 4,
    "Wetzlar": 3,
    "Neumünster": 4,
    "Stendal": 3,
}
CODE_PREFIX = {
    "Berlin Tempelhof-Schöneberg": "BTS",
    "München": "M",
    "Hamburg-Wilhelmsburg": "HHW",
    "Stuttgart": "S",
    "Nürnberg": "N",
    "Essen": "E",
    "Hannover": "H",
    "Leipzig": "L",
    "Ludwigshafen am Rhein": "LU",
    "Wiesbaden": "WI",
    "Freiburg im Breisgau": "FR",
    "Göttingen": "GOE",
    "Hamm": "HAM",
    "Saarbrücken": "SB",
    "Landkreis Mayen-Koblenz": "MYK",
    "Wetzlar": "WZ",
    "Neumünster": "NMS",
    "Stendal": "SDL",
}
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
        [(Area.EDUCATION, "Berufsberatung"), (Area.WORK, "Berufssprachkurs (DeuFöV)")],
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
FIRST_NAMES = [
    "Anna",
    "Jonas",
    "Fatma",
    "Lukas",
    "Miriam",
    "Stefan",
    "Olena",
    "Tobias",
    "Leyla",
    "Katharina",
    "Murat",
    "Sabine",
    "Yusuf",
    "Julia",
    "Daniel",
    "Elif",
]
LAST_NAMES = [
    "Becker",
    "Schmidt",
    "Yilmaz",
    "Weber",
    "Hoffmann",
    "Kowalski",
    "Schulz",
    "Demir",
    "Wagner",
    "Krüger",
    "Neumann",
    "Petrenko",
    "Fischer",
    "Haddad",
    "Lange",
    "Braun",
]


@cache
def demo_password_hash() -> str:
    # Hashing is deliberately slow; hundreds of demo users share one hash.
    return make_password(DEMO_PASSWORD)


def demo_user(username: str, first: str, last: str, *, superuser: bool = False) -> User:
    user, created = User.objects.get_or_create(
        username=username,
        defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
    )
    if created:
        user.password = demo_password_hash()
        user.is_superuser = user.is_staff = superuser
        user.save()
    return user


@transaction.atomic
def seed_sites(*, counsellors_per_centre: int = 3, seed: int = 2026) -> dict[str, User]:
    """Create centres, partners, offers and users; returns the fixed demo logins."""
    rng = random.Random(seed)
    # The 18 sites are initial data; a test database flushed between tests lacks them.
    initial = import_module("sites.migrations.0002_model_project_municipalities")
    for name, state in initial.MUNICIPALITIES:
        Municipality.objects.get_or_create(name=name, defaults={"federal_state": state})
    municipalities = {m.name: m for m in Municipality.objects.all()}
    for municipality_name, count in CENTRES_PER_MUNICIPALITY.items():
        municipality = municipalities[municipality_name]
        city = municipality_name.split(" ")[0].replace("Landkreis", "Mayen")
        for index in range(count):
            provider = PROVIDERS[(index + len(municipality_name)) % len(PROVIDERS)]
            service = SERVICE_CYCLE[index % len(SERVICE_CYCLE)]
            code = CODE_PREFIX[municipality_name] + (str(index + 1) if index else "")
            CounsellingCentre.objects.get_or_create(
                code=code,
                defaults={
                    "name": f"{ServiceType(service).label.split(' ')[0]} {provider} {city}"
                    + (f" {index + 1}" if index else ""),
                    "provider": provider,
                    "service_type": service,
                    "municipality": municipality,
                    "street": f"{rng.choice(['Haupt', 'Bahnhof', 'Kirch', 'Schul'])}straße "
                    f"{rng.randint(1, 120)}",
                    "postcode": f"{rng.randint(10000, 99999)}",
                    "city": city,
                    "phone": f"0{rng.randint(200, 999)} {rng.randint(100000, 999999)}",
                    "email": f"beratung-{code.lower()}@example.org",
                },
            )
        for kind, name, offers in PARTNERS:
            partner, created = Partner.objects.get_or_create(
                municipality=municipality,
                kind=kind,
                name=name.format(city=city),
                defaults={
                    "contact_person": f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    "phone": f"0{rng.randint(200, 999)} {rng.randint(100000, 999999)}",
                    "email": f"{kind.replace('_', '-')}@{city.lower()}.example.org",
                },
            )
            if created:
                Offer.objects.bulk_create(
                    Offer(partner=partner, area=area, title=title, languages="de, en")
                    for area, title in offers
                )

    fixed = {
        "berater": ("berater", "Bernd", "Berater", "LU", Role.COUNSELLOR),
        "leitung": ("leitung", "Lena", "Leitung", "LU", Role.SUPERVISOR),
        "berater-leipzig": ("berater-leipzig", "Lea", "Leipziger", "L", Role.COUNSELLOR),
    }
    logins = {}
    for key, (username, first, last, code, role) in fixed.items():
        user = demo_user(username, first, last)
        Membership.objects.get_or_create(
            user=user, centre=CounsellingCentre.objects.get(code=code), defaults={"role": role}
        )
        logins[key] = user

    for centre in CounsellingCentre.objects.all():
        for index in range(counsellors_per_centre):
            username = f"{centre.code.lower()}-berater-{index + 1}"
            user = demo_user(username, rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
            Membership.objects.get_or_create(
                user=user, centre=centre, defaults={"role": Role.COUNSELLOR}
            )
        supervisor = demo_user(
            f"{centre.code.lower()}-leitung", rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        )
        Membership.objects.get_or_create(
            user=supervisor, centre=centre, defaults={"role": Role.SUPERVISOR}
        )
    demo_user("admin", "Ada", "Admin", superuser=True)
    return logins
