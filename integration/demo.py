"""Demo people and counselling sessions for every demo centre (deterministic, bulk)."""

from __future__ import annotations

import datetime
import random
import zoneinfo
from functools import cache

from django.conf import settings
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from people.enums import (
    Benefits,
    CaseStatus,
    ChildCare,
    ClosureReason,
    ConsentForm,
    CourseEntitlement,
    Degree,
    Employment,
    GermanLevel,
    Interpreter,
    Language,
    RecognitionStatus,
    Referral,
    ResidenceStatus,
    SessionMode,
    Sex,
)
from people.models import (
    CaseNumberCounter,
    Child,
    Consent,
    CounsellingSession,
    Migrant,
    Qualification,
    search_text_of,
)
from sites.enums import Area, PartnerKind, Role
from sites.models import CounsellingCentre, Membership, Partner, User

PEOPLE_PER_CENTRE = 55
BERATER_CASELOAD = 40
# In the centre of `berater`, the colleagues get caseloads of their own beside the 40.
COLLEAGUE_CASELOAD = 12

# Choice values read once: TextChoices.values builds a new list on every access.
GERMAN_LEVELS = tuple(GermanLevel.values)
DEGREES = tuple(Degree.values)
EMPLOYMENTS = tuple(Employment.values)
BENEFITS = tuple(Benefits.values)
REFERRALS = tuple(Referral.values)
ENTITLEMENTS = tuple(CourseEntitlement.values)
RECOGNITION = tuple(RecognitionStatus.values)
CLOSURE_REASONS = tuple(ClosureReason.values)
MODES = (SessionMode.IN_PERSON,) * 5 + (SessionMode.PHONE,) * 2 + tuple(SessionMode.values)
AREAS = tuple(Area.values)
SEXES = (Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.MALE, Sex.DIVERSE, Sex.NOT_STATED)
INTERPRETERS = (
    Interpreter.PROFESSIONAL,
    Interpreter.PROFESSIONAL,
    Interpreter.VOLUNTEER,
    Interpreter.FAMILY,
)
YOUNG_CARE = (ChildCare.KITA, ChildCare.WAITING, ChildCare.AT_HOME, ChildCare.DAYCARE)

P = ResidenceStatus
# Residence situations typical for each origin: (status, legal basis), drawn at random.
RESIDENCE = {
    "asylum": [
        (P.ASYLUM_PROCEDURE, "§ 55 AsylG"),
        (P.RESIDENCE_PERMIT, "§ 25 Abs. 2 AufenthG"),
        (P.TOLERATION, "§ 60a AufenthG"),
        (P.RESIDENCE_PERMIT, "§ 25 Abs. 1 AufenthG"),
        (P.SETTLEMENT, "§ 26 Abs. 3 AufenthG"),
        (P.NATURALISED, ""),
    ],
    "ukraine": [(P.RESIDENCE_PERMIT, "§ 24 AufenthG")] * 4 + [(P.SETTLEMENT, "§ 9 AufenthG")],
    "eu": [(P.EU_CITIZEN, "")],
    "family": [
        (P.RESIDENCE_PERMIT, "§ 30 AufenthG"),
        (P.RESIDENCE_PERMIT, "§ 28 AufenthG"),
        (P.SETTLEMENT, "§ 9 AufenthG"),
        (P.RESIDENCE_PERMIT, "§ 18b AufenthG"),
        (P.NATURALISED, ""),
    ],
}

# (nationality, preferred language, languages spoken, residence kind, first names and
# last names as (native spelling, Latin transliteration or "" when already Latin))
ORIGINS = [
    (
        "SY",
        Language.ARABIC,
        "Arabisch, Englisch",
        "asylum",
        [("أمل", "Amal"), ("محمد", "Mohammed"), ("ريم", "Reem"), ("خالد", "Khaled")],
        [
            ("الأحمد", "Al-Ahmad"),
            ("حداد", "Haddad"),
            ("السيد", "Al-Sayed"),
            ("الخطيب", "Al-Khatib"),
        ],
    ),
    (
        "AF",
        Language.PERSIAN,
        "Dari, Paschtu",
        "asylum",
        [("فرشته", "Fereshteh"), ("احمد", "Ahmad"), ("زهرا", "Zahra"), ("مریم", "Maryam")],
        [("رحیمی", "Rahimi"), ("نوری", "Nouri"), ("حیدری", "Heidari")],
    ),
    (
        "UA",
        Language.UKRAINIAN,
        "Ukrainisch, Russisch",
        "ukraine",
        [("Олена", "Olena"), ("Андрій", "Andrii"), ("Ірина", "Iryna"), ("Юлія", "Yuliia")],
        [("Шевченко", "Shevchenko"), ("Коваленко", "Kovalenko"), ("Бондар", "Bondar")],
    ),
    (
        "TR",
        Language.TURKISH,
        "Türkisch, Kurdisch",
        "family",
        [("Ayşe", ""), ("Mehmet", ""), ("Elif", ""), ("Emre", ""), ("Gülşen", "")],
        [("Yılmaz", ""), ("Şahin", ""), ("Demir", ""), ("Çelik", ""), ("Öztürk", "")],
    ),
    (
        "RU",
        Language.RUSSIAN,
        "Russisch",
        "family",
        [("Наталья", "Natalia"), ("Сергей", "Sergei"), ("Ксения", "Kseniia")],
        [("Иванова", "Ivanova"), ("Смирнов", "Smirnov"), ("Фёдорова", "Fedorova")],
    ),
    (
        "ER",
        Language.TIGRINYA,
        "Tigrinya, Arabisch",
        "asylum",
        [("ሰናይት", "Senait"), ("ዮናስ", "Yonas"), ("ሄለን", "Helen")],
        [("ተስፋዬ", "Tesfaye"), ("ሃይለ", "Haile")],
    ),
    (
        "RO",
        Language.ROMANIAN,
        "Rumänisch",
        "eu",
        [("Ioana", ""), ("Andrei", ""), ("Ștefan", "")],
        [("Popescu", ""), ("Ionescu", ""), ("Munteanu", "")],
    ),
    (
        "BG",
        Language.BULGARIAN,
        "Bulgarisch, Türkisch",
        "eu",
        [("Мария", "Mariya"), ("Георги", "Georgi")],
        [("Петрова", "Petrova"), ("Димитров", "Dimitrov")],
    ),
    (
        "IQ",
        Language.KURDISH,
        "Kurdisch, Arabisch",
        "asylum",
        [("Nareen", ""), ("Dilshad", ""), ("Rêzan", "")],
        [("Barzani", ""), ("Hamid", ""), ("Ezîdî", "")],
    ),
    (
        "PL",
        Language.POLISH,
        "Polnisch, Englisch",
        "eu",
        [("Agnieszka", ""), ("Tomasz", ""), ("Łukasz", "")],
        [("Kowalska", ""), ("Nowak", ""), ("Wiśniewski", "")],
    ),
    (
        "SO",
        Language.SOMALI,
        "Somali, Englisch",
        "asylum",
        [("Hodan", ""), ("Abdirahman", "")],
        [("Warsame", ""), ("Farah", "")],
    ),
    (
        "VN",
        Language.VIETNAMESE,
        "Vietnamesisch",
        "family",
        [("Nguyễn Thị", "Nguyen Thi"), ("Trần Văn", "Tran Van")],
        [("Hương", "Huong"), ("Minh", "Minh")],
    ),
    (
        "XK",
        Language.ALBANIAN,
        "Albanisch, Serbisch",
        "family",
        [("Arbër", ""), ("Drita", "")],
        [("Krasniqi", ""), ("Berisha", "")],
    ),
]
QUALIFICATIONS = [
    "Krankenpfleger/in",
    "Elektriker/in",
    "Lehrer/in",
    "Bauingenieur/in",
    "Friseur/in",
    "Buchhalter/in",
    "Kfz-Mechaniker/in",
    "Ärztin/Arzt",
    "Erzieher/in",
    "Schneider/in",
    "Apotheker/in",
    "Informatiker/in",
]
NOTES = [
    "Erstgespräch: Lebenssituation und Anliegen besprochen.",
    "Unterlagen für die Anerkennung gesichtet, Kopien angefertigt.",
    "Anmeldung zum Integrationskurs vorbereitet.",
    "Kita-Platz-Suche besprochen, Liste der Einrichtungen mitgegeben.",
    "Schreiben des Jobcenters erklärt, Termin vereinbart.",
    "Bewerbungsunterlagen gemeinsam überarbeitet.",
    "Verlängerung des Aufenthaltstitels besprochen.",
    "Mietvertrag und Nebenkostenabrechnung erklärt.",
    "Antrag auf Wohngeld gemeinsam ausgefüllt.",
    "Sprachkurs-Fortschritt besprochen, B1-Prüfung angemeldet.",
]
NEXT_STEPS = [
    "",
    "",
    "Unterlagen zum nächsten Termin mitbringen.",
    "Termin beim Jobcenter wahrnehmen.",
    "Anmeldung beim Kursträger bis Monatsende.",
    "Zeugnisse übersetzen lassen.",
]
CLOSURE_NOTES = ["", "Ziele erreicht, Kontakt bei Bedarf.", "Nach Umzug an MBE vor Ort verwiesen."]


def _at(day: datetime.date, hour: int = 9) -> datetime.datetime:
    """A local time of day (appointments are kept at 9:00 in Berlin, not in UTC)."""
    return datetime.datetime.combine(day, datetime.time(hour, 0), tzinfo=_local_zone())


@cache
def _local_zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _birth(rng: random.Random, service: str, today: datetime.date) -> datetime.date:
    age = rng.randint(16, 26) if service == "jmd" else rng.randint(27, 62)
    return today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))


def _person(rng, centre, counsellor, authority, today) -> Migrant:
    nationality, language, languages, residence, firsts, lasts = rng.choice(ORIGINS)
    first, first_latin = rng.choice(firsts)
    last, last_latin = rng.choice(lasts)
    born = _birth(rng, centre.service_type, today)
    age_days = (today - born).days
    # Young people may have come as children; adults mostly as adults.
    earliest = min(16 * 365, age_days - 400)
    arrival = born + datetime.timedelta(days=rng.randint(earliest, age_days - 30))
    intake = max(arrival, today - datetime.timedelta(days=540)) + datetime.timedelta(
        days=rng.randint(0, 200)
    )
    intake = min(intake, today)
    status, legal_basis = rng.choice(RESIDENCE[residence])
    issued = valid_until = None
    if status not in (P.EU_CITIZEN, P.NATURALISED):
        issued = min(today, arrival + datetime.timedelta(days=rng.randint(10, 400)))
    if status in (P.RESIDENCE_PERMIT, P.TOLERATION, P.ASYLUM_PROCEDURE):
        days = 180 if status == P.TOLERATION else rng.choice([365, 730, 1095])
        valid_until = issued + datetime.timedelta(days=days)
    closed = rng.random() < 0.08
    latin = f"{first_latin or first} {last_latin or last}" if first_latin or last_latin else ""
    interpreter_needed = rng.random() < 0.35
    migrant = Migrant(
        centre=centre,
        counsellor=counsellor,
        first_name=first,
        last_name=last,
        name_latin=latin,
        date_of_birth=born,
        sex=rng.choice(SEXES),
        nationality=nationality,
        country_of_birth=nationality,
        languages=languages,
        german_level=GermanLevel.NONE if interpreter_needed else rng.choice(GERMAN_LEVELS),
        preferred_language=language,
        interpreter_needed=interpreter_needed,
        interpreter_language=language if interpreter_needed else "",
        arrival_on=arrival,
        residence_status=status,
        residence_legal_basis=legal_basis,
        residence_issued_on=issued,
        residence_valid_until=valid_until,
        foreigners_authority=authority if status != P.EU_CITIZEN else None,
        course_entitlement=rng.choice(ENTITLEMENTS),
        schooling_years=rng.randint(0, 16),
        highest_degree=rng.choice(DEGREES),
        schooling_country=nationality,
        employment=rng.choice(EMPLOYMENTS),
        benefits=rng.choice(BENEFITS),
        phone=f"0151 {rng.randint(1000000, 9999999)}",
        city=centre.city,
        intake_on=intake,
        referred_by=rng.choice(REFERRALS),
        status=CaseStatus.CLOSED if closed else CaseStatus.ACTIVE,
    )
    if closed:
        migrant.closed_on = min(today, intake + datetime.timedelta(days=rng.randint(60, 300)))
        migrant.closure_reason = rng.choice(CLOSURE_REASONS)
        migrant.closure_note = rng.choice(CLOSURE_NOTES)
    # Recorded by the counsellor on the day of intake, as the history would show it.
    migrant._history_user = counsellor
    migrant._history_date = _at(intake)
    return migrant


def _caseload_plan(team: list[User], berater: User | None) -> list[User]:
    """Who counsels each new person of a centre, in order."""
    if berater is None or berater not in team:
        return [team[index % len(team)] for index in range(PEOPLE_PER_CENTRE)]
    colleagues = [user for user in team if user != berater]
    return [berater] * BERATER_CASELOAD + [
        colleague for colleague in colleagues for _ in range(COLLEAGUE_CASELOAD)
    ]


def _household(rng, migrant: Migrant, today: datetime.date, children, qualifications):
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        year = rng.randint(today.year - 17, today.year)
        care = ChildCare.SCHOOL if today.year - year >= 6 else rng.choice(YOUNG_CARE)
        child = Child(migrant=migrant, year_of_birth=year, care=care)
        child._history_user, child._history_date = migrant.counsellor, _at(migrant.intake_on)
        children.append(child)
    if rng.random() < 0.5:
        qualification = Qualification(
            migrant=migrant,
            title=rng.choice(QUALIFICATIONS),
            country=migrant.nationality,
            recognition_status=rng.choice(RECOGNITION),
        )
        qualification._history_user = migrant.counsellor
        qualification._history_date = _at(migrant.intake_on)
        qualifications.append(qualification)


def _consents(rng, migrant: Migrant, local: list[Partner], today: datetime.date, out) -> None:
    consents = []
    for partner in rng.sample(local, k=min(len(local), rng.randint(1, 3))):
        consent = Consent(
            migrant=migrant,
            recipient_partner=partner,
            data_categories="Name, Kontaktdaten, Sprachstand, Aufenthaltsstatus",
            purpose=f"Abstimmung und Vermittlung ({partner.get_kind_display()})",
            form=ConsentForm.WRITTEN,
            given_on=migrant.intake_on,
        )
        # Now and then a person takes a consent back.
        if rng.random() < 0.05 and migrant.intake_on < today:
            consent.withdrawn_on = migrant.intake_on + datetime.timedelta(
                days=rng.randint(1, (today - migrant.intake_on).days)
            )
        consents.append(consent)
    if rng.random() < 0.3:
        consents.append(
            Consent(
                migrant=migrant,
                recipient_kind=PartnerKind.COURSE_PROVIDER,
                data_categories="Name, Sprachstand",
                purpose="Anmeldung zu Sprachkursen",
                form=ConsentForm.ORAL,
                file_note="Mündlich mit Dolmetscherin erteilt, Inhalt erklärt.",
                given_on=migrant.intake_on,
            )
        )
    for consent in consents:
        consent._history_user = migrant.counsellor
        consent._history_date = _at(consent.given_on, 10)
    out.extend(consents)


def _sessions(rng, migrant: Migrant, today: datetime.date, sessions) -> None:
    """From intake to today (or closing) every one to three months; the last one of an
    active case names the next appointment, which then lies ahead."""
    day = migrant.intake_on
    end = migrant.closed_on or today
    while day <= end:
        interpreter, minor = Interpreter.NONE, False
        if migrant.interpreter_needed:
            interpreter = rng.choice(INTERPRETERS)
            minor = interpreter == Interpreter.FAMILY and rng.random() < 0.25
        next_day = day + datetime.timedelta(days=rng.randint(30, 100))
        hour = rng.choice([9, 10, 11, 14, 15])
        session = CounsellingSession(
            migrant=migrant,
            counsellor_id=migrant.counsellor_id,
            held_on=day,
            duration_minutes=rng.choice([30, 45, 60, 60, 90]),
            mode=rng.choice(MODES),
            interpreter=interpreter,
            interpreter_language=migrant.interpreter_language
            if interpreter != Interpreter.NONE
            else "",
            interpreter_is_minor=minor,
            topics=rng.sample(AREAS, k=rng.randint(1, 3)),
            notes=rng.choice(NOTES),
            agreed_next_steps=rng.choice(NEXT_STEPS),
            next_appointment=_at(next_day, hour) if migrant.status == CaseStatus.ACTIVE else None,
        )
        session._history_user = migrant.counsellor
        session._history_date = _at(day, 17)
        sessions.append(session)
        day = next_day


@transaction.atomic
def seed_cases(*, seed: int, today: datetime.date | None = None) -> None:
    """Give every demo centre about 55 people with household, consents and sessions.

    Idempotent: a centre that already has people is left alone. Deterministic for a seed
    and a day (dates are relative to `today`).
    """
    rng = random.Random(seed)
    today = today or datetime.date.today()
    centres = list(
        CounsellingCentre.objects.exclude(migrants__isnull=False)
        .select_related("municipality")
        .order_by("code")
    )
    if not centres:
        return
    counsellors: dict[int, list[User]] = {}
    memberships = Membership.objects.filter(role=Role.COUNSELLOR, user__is_active=True)
    for membership in memberships.select_related("user").order_by("user__username"):
        counsellors.setdefault(membership.centre_id, []).append(membership.user)
    berater = User.objects.filter(username="berater").first()
    partners: dict[int, list[Partner]] = {}
    for partner in Partner.objects.order_by("pk"):
        partners.setdefault(partner.municipality_id, []).append(partner)

    people: list[Migrant] = []
    numbers: dict[tuple[int, int], int] = {
        (counter.centre_id, counter.year): counter.last_number
        for counter in CaseNumberCounter.objects.filter(centre__in=centres)
    }
    for centre in centres:
        team = counsellors.get(centre.pk) or []
        if not team:
            continue
        local = partners.get(centre.municipality_id, [])
        authority = next((p for p in local if p.kind == PartnerKind.FOREIGNERS_AUTHORITY), None)
        for counsellor in _caseload_plan(team, berater):
            person = _person(rng, centre, counsellor, authority, today)
            key = (centre.pk, person.intake_on.year)
            numbers[key] = numbers.get(key, 0) + 1
            person.case_number = f"{centre.code}-{key[1]}-{numbers[key]:04d}"
            person.search_text = search_text_of(person)
            people.append(person)
    people.sort(key=lambda person: person.intake_on)
    people = bulk_create_with_history(people, Migrant, batch_size=500)
    counters = [
        CaseNumberCounter(centre_id=centre_id, year=year, last_number=last)
        for (centre_id, year), last in numbers.items()
    ]
    CaseNumberCounter.objects.bulk_create(
        counters,
        update_conflicts=True,
        unique_fields=["centre", "year"],
        update_fields=["last_number"],
    )

    children, qualifications, consents, sessions = [], [], [], []
    for migrant in people:
        _household(rng, migrant, today, children, qualifications)
        _consents(rng, migrant, partners.get(migrant.centre.municipality_id, []), today, consents)
        _sessions(rng, migrant, today, sessions)
    for model, rows in [
        (Child, children),
        (Qualification, qualifications),
        (Consent, consents),
        (CounsellingSession, sessions),
    ]:
        bulk_create_with_history(rows, model, batch_size=1000)
