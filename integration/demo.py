"""Demo people and counselling sessions for every demo centre (deterministic, bulk)."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from integration.enums import (
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
from integration.models import (
    CaseNumberCounter,
    Child,
    Consent,
    CounsellingSession,
    Migrant,
    Qualification,
    normalise_for_search,
)
from sites.enums import Area, PartnerKind, Role
from sites.models import CounsellingCentre, Membership, Partner, User

PEOPLE_PER_CENTRE = 55
BERATER_CASELOAD = 40

# (nationality, language, first names, last names with an optional Latin transliteration)
ORIGINS = [
    (
        "SY",
        Language.ARABIC,
        "Arabisch, Englisch",
        [("أمل", "Amal"), ("محمد", "Mohammed"), ("ريم", "Reem"), ("خالد", "Khaled")],
        [("الأحمد", "Al-Ahmad"), ("حداد", "Haddad"), ("السيد", "Al-Sayed")],
    ),
    (
        "AF",
        Language.PERSIAN,
        "Dari, Paschtu",
        [("فرشته", "Fereshteh"), ("احمد", "Ahmad"), ("زهرا", "Zahra")],
        [("رحیمی", "Rahimi"), ("نوری", "Nouri"), ("حیدری", "Heidari")],
    ),
    (
        "UA",
        Language.UKRAINIAN,
        "Ukrainisch, Russisch",
        [("Олена", "Olena"), ("Андрій", "Andrii"), ("Ірина", "Iryna")],
        [("Шевченко", "Shevchenko"), ("Коваленко", "Kovalenko"), ("Бондар", "Bondar")],
    ),
    (
        "TR",
        Language.TURKISH,
        "Türkisch, Kurdisch",
        [("Ayşe", ""), ("Mehmet", ""), ("Elif", ""), ("Emre", "")],
        [("Yılmaz", ""), ("Şahin", ""), ("Demir", ""), ("Çelik", "")],
    ),
    (
        "RU",
        Language.RUSSIAN,
        "Russisch",
        [("Наталья", "Natalia"), ("Сергей", "Sergei")],
        [("Иванова", "Ivanova"), ("Смирнов", "Smirnov")],
    ),
    (
        "ER",
        Language.TIGRINYA,
        "Tigrinya, Arabisch",
        [("Senait", ""), ("Yonas", ""), ("Helen", "")],
        [("Tesfaye", ""), ("Haile", "")],
    ),
    (
        "RO",
        Language.ROMANIAN,
        "Rumänisch",
        [("Ioana", ""), ("Andrei", "")],
        [("Popescu", ""), ("Ionescu", "")],
    ),
    (
        "IQ",
        Language.KURDISH,
        "Kurdisch, Arabisch",
        [("Nareen", ""), ("Dilshad", "")],
        [("Barzani", ""), ("Hamid", "")],
    ),
    (
        "PL",
        Language.POLISH,
        "Polnisch, Englisch",
        [("Agnieszka", ""), ("Tomasz", "")],
        [("Kowalska", ""), ("Nowak", "")],
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
]
NOTES = [
    "Erstgespräch: Lebenssituation und Anliegen besprochen.",
    "Unterlagen für die Anerkennung gesichtet, Kopien angefertigt.",
    "Anmeldung zum Integrationskurs vorbereitet.",
    "Kita-Platz-Suche besprochen, Liste der Einrichtungen mitgegeben.",
    "Schreiben des Jobcenters erklärt, Termin vereinbart.",
    "Bewerbungsunterlagen gemeinsam überarbeitet.",
    "Verlängerung des Aufenthaltstitels besprochen.",
]


def _birth(rng: random.Random, service: str, today: datetime.date) -> datetime.date:
    age = rng.randint(16, 26) if service == "jmd" else rng.randint(27, 62)
    return today - datetime.timedelta(days=age * 365 + rng.randint(0, 364))


def _person(rng, centre, counsellor, number, today) -> Migrant:
    nationality, language, languages, firsts, lasts = rng.choice(ORIGINS)
    first, first_latin = rng.choice(firsts)
    last, last_latin = rng.choice(lasts)
    born = _birth(rng, centre.service_type, today)
    # Young people may have come as children; adults mostly as adults.
    earliest = min(16 * 365, (today - born).days - 400)
    arrival = born + datetime.timedelta(days=rng.randint(earliest, (today - born).days - 30))
    intake = max(arrival, today - datetime.timedelta(days=540)) + datetime.timedelta(
        days=rng.randint(0, 200)
    )
    intake = min(intake, today)
    status = rng.choice(ResidenceStatus.values)
    issued = arrival + datetime.timedelta(days=rng.randint(10, 200))
    closed = rng.random() < 0.08
    latin = f"{first_latin} {last_latin}".strip() if first_latin or last_latin else ""
    migrant = Migrant(
        centre=centre,
        counsellor=counsellor,
        case_number=f"{centre.code}-{intake.year}-{number:04d}",
        first_name=first,
        last_name=last,
        name_latin=latin,
        date_of_birth=born,
        sex=rng.choice([Sex.FEMALE, Sex.FEMALE, Sex.MALE, Sex.MALE, Sex.DIVERSE, Sex.NOT_STATED]),
        nationality=nationality,
        country_of_birth=nationality,
        languages=languages,
        german_level=rng.choice(GermanLevel.values),
        preferred_language=language if language in Language.values else Language.GERMAN,
        interpreter_needed=rng.random() < 0.4,
        arrival_on=arrival,
        residence_status=status,
        residence_issued_on=issued if status not in ("eu", "naturalised") else None,
        residence_valid_until=issued + datetime.timedelta(days=rng.choice([365, 730, 1095]))
        if status in ("permit", "toleration", "asylum")
        else None,
        course_entitlement=rng.choice(CourseEntitlement.values),
        schooling_years=rng.randint(0, 16),
        highest_degree=rng.choice(Degree.values),
        schooling_country=nationality,
        employment=rng.choice(Employment.values),
        benefits=rng.choice(Benefits.values),
        phone=f"0151 {rng.randint(1000000, 9999999)}",
        city=centre.city,
        intake_on=intake,
        referred_by=rng.choice(Referral.values),
        status=CaseStatus.CLOSED if closed else CaseStatus.ACTIVE,
        closed_on=min(today, intake + datetime.timedelta(days=rng.randint(60, 300)))
        if closed
        else None,
        closure_reason=rng.choice(ClosureReason.values) if closed else "",
    )
    if migrant.interpreter_needed:
        migrant.interpreter_language = migrant.preferred_language
    migrant.search_text = normalise_for_search(" ".join([first, last, latin, migrant.case_number]))
    return migrant


@transaction.atomic
def seed_cases(*, seed: int, today: datetime.date | None = None) -> None:
    """Give every demo centre about 55 people with household, consents and sessions.

    Idempotent: a centre that already has people is left alone.
    """
    rng = random.Random(seed)
    today = today or datetime.date.today()
    centres = list(
        CounsellingCentre.objects.exclude(migrants__isnull=False).select_related("municipality")
    )
    if not centres:
        return
    counsellors: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(role=Role.COUNSELLOR).select_related("user"):
        counsellors.setdefault(membership.centre_id, []).append(membership.user)
    berater = User.objects.filter(username="berater").first()
    partners: dict[int, list[Partner]] = {}
    for partner in Partner.objects.all():
        partners.setdefault(partner.municipality_id, []).append(partner)

    people: list[Migrant] = []
    numbers: dict[tuple[int, int], int] = {}
    for centre in centres:
        team = counsellors.get(centre.pk) or []
        if not team:
            continue
        for index in range(PEOPLE_PER_CENTRE):
            if berater and berater in team and index < BERATER_CASELOAD:
                counsellor = berater
            else:
                counsellor = team[index % len(team)]
            probe = _person(rng, centre, counsellor, 0, today)
            key = (centre.pk, probe.intake_on.year)
            numbers[key] = numbers.get(key, 0) + 1
            probe.case_number = f"{centre.code}-{probe.intake_on.year}-{numbers[key]:04d}"
            probe.search_text = normalise_for_search(
                " ".join([probe.first_name, probe.last_name, probe.name_latin, probe.case_number])
            )
            people.append(probe)
    bulk_create_with_history(people, Migrant, batch_size=500, default_user=None)
    people = list(
        Migrant.objects.filter(centre__in=centres).select_related("centre").order_by("pk")
    )
    for (centre_id, year), last in numbers.items():
        CaseNumberCounter.objects.update_or_create(
            centre_id=centre_id, year=year, defaults={"last_number": last}
        )

    children, qualifications, consents, sessions = [], [], [], []
    for migrant in people:
        for _ in range(rng.choice([0, 0, 1, 2, 3])):
            year = rng.randint(today.year - 17, today.year)
            care = (
                ChildCare.SCHOOL
                if today.year - year >= 6
                else rng.choice(
                    [ChildCare.KITA, ChildCare.WAITING, ChildCare.AT_HOME, ChildCare.DAYCARE]
                )
            )
            children.append(Child(migrant=migrant, year_of_birth=year, care=care))
        if rng.random() < 0.5:
            qualifications.append(
                Qualification(
                    migrant=migrant,
                    title=rng.choice(QUALIFICATIONS),
                    country=migrant.nationality,
                    recognition_status=rng.choice(RecognitionStatus.values),
                )
            )
        local = partners.get(migrant.centre.municipality_id, [])
        for partner in rng.sample(local, k=min(len(local), rng.randint(1, 3))):
            consents.append(
                Consent(
                    migrant=migrant,
                    recipient_partner=partner,
                    data_categories="Name, Kontaktdaten, Sprachstand, Aufenthaltsstatus",
                    purpose=f"Abstimmung und Vermittlung ({partner.get_kind_display()})",
                    form=ConsentForm.WRITTEN,
                    given_on=migrant.intake_on,
                )
            )
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
        day = migrant.intake_on
        end = migrant.closed_on or today
        while day <= end:
            interpreter = (
                rng.choice([Interpreter.PROFESSIONAL, Interpreter.VOLUNTEER, Interpreter.FAMILY])
                if migrant.interpreter_needed
                else Interpreter.NONE
            )
            next_day = day + datetime.timedelta(days=rng.randint(30, 100))
            sessions.append(
                CounsellingSession(
                    migrant=migrant,
                    counsellor=migrant.counsellor,
                    held_on=day,
                    duration_minutes=rng.choice([30, 45, 60, 90]),
                    mode=rng.choice(SessionMode.values),
                    interpreter=interpreter,
                    interpreter_language=migrant.interpreter_language
                    if interpreter != Interpreter.NONE
                    else "",
                    topics=rng.sample(Area.values, k=rng.randint(1, 3)),
                    notes=rng.choice(NOTES),
                    next_appointment=datetime.datetime.combine(
                        next_day,
                        datetime.time(rng.choice([9, 10, 11, 14, 15]), 0),
                        tzinfo=datetime.UTC,
                    )
                    if migrant.status == CaseStatus.ACTIVE
                    else None,
                )
            )
            day = next_day
    for model, rows in [
        (Child, children),
        (Qualification, qualifications),
        (Consent, consents),
        (CounsellingSession, sessions),
    ]:
        bulk_create_with_history(rows, model, batch_size=1000, default_user=None)
