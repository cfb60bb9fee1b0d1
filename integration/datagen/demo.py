"""The demo: the generator at a fixed seed and size in the model project's 87 centres, plus
the fixed logins the README, the tests and operators rely on.

Idempotent: centres, logins and people that exist stay as they are; a second run adds
nothing. Deterministic for a seed and a day (dates are relative to `today`).

The tour: berater's first cases show on purpose what the demo is for (SHOWCASE). Signed
versions open as their frozen PDFs: seed_demo freezes those of the tour and the newest of
the demo logins' centres; every other signed version is frozen the first time it is opened
(`ensure_signed_document`), because rendering all of them would take minutes.
"""

from __future__ import annotations

import datetime
import random
import time
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import QuerySet

from agreements.enums import AgreementStatus
from agreements.models import Agreement
from agreements.services.documents import ensure_signed_document
from integration.datagen import Report, generate, places, reset_sequences
from integration.datagen.agreements import Showcase
from integration.datagen.sites import (
    DEMO_PASSWORD,
    SERVICE_CYCLE,
    CentrePlan,
    Country,
    create_centres,
    load_centres,
)
from people.models import Migrant
from sites.enums import Role
from sites.models import CounsellingCentre, Membership, Municipality, User

DEMO_SEED = 2026
COUNSELLORS_PER_CENTRE = 3
PEOPLE_PER_CENTRE = 55
# In the centre of `berater`, the colleagues get caseloads of their own beside the 40.
BERATER_CASELOAD = 40
COLLEAGUE_CASELOAD = 12
# A shorter past than a national load's five years: most demo cases are still open.
HISTORY_YEARS = 1.5
# (username, first name, last name, centre code, role, what it is, for the command's list)
LOGINS = [
    ("berater", "Bernd", "Berater", "LU", Role.COUNSELLOR, "Berater/in, Ludwigshafen"),
    ("leitung", "Lena", "Leitung", "LU", Role.SUPERVISOR, "Leitung, Ludwigshafen"),
    ("berater-leipzig", "Lea", "Leipziger", "L", Role.COUNSELLOR, "Berater/in, Leipzig"),
]
ADMIN = ("admin", "Ada", "Admin", "Administration (Django-Admin)")
# berater's first cases, in order of intake: an Arabic-speaking person with a named
# interpreter whose agreement was signed, amended and signed again twice (three versions);
# then one whose agreement is printed in English beside German.
SHOWCASE = (Showcase(versions=3, language="ar", interpreter=True), Showcase(language="en"))
# The centres of the demo logins: their signed versions are frozen by seed_demo.
LOGIN_CENTRES = ("LU", "L")
# Rendering one PDF takes 0.3-0.7 s and the two centres have about 130 signed versions
# (more than a minute): seed_demo freezes the tour's 4 and the newest signed version of this
# many more people, so it stays within 15 s; the rest are frozen on first request.
FROZEN_BY_SEED = 8


def demo_plans() -> list[tuple[str, str, str]]:
    """(municipality, centre code, service type) of the 87 demo centres: LU, LU2, ... LU5."""
    return [
        (name, prefix + (str(index + 1) if index else ""), SERVICE_CYCLE[index % 4])
        for name, (prefix, count) in places.DEMO_CENTRES.items()
        for index in range(count)
    ]


@transaction.atomic
def seed_demo_sites(
    *, counsellors_per_centre: int = COUNSELLORS_PER_CENTRE, seed: int = DEMO_SEED, today=None
) -> dict[str, User]:
    """The model project's municipalities and centres with staff, partners and offers, and
    the fixed logins; returns the fixed logins by username."""
    today = today or datetime.date.today()
    rng = random.Random(seed)
    # The 18 sites are initial data; a test database flushed between tests lacks them.
    municipalities = {}
    for place in places.MODEL_PROJECT:
        municipalities[place.name], _ = Municipality.objects.get_or_create(
            name=place.name, defaults={"federal_state": place.state}
        )
    existing = set(CounsellingCentre.objects.values_list("code", flat=True))
    plans = [
        CentrePlan(municipalities[name], code, service, counsellors_per_centre)
        for name, code, service in demo_plans()
        if code not in existing
    ]
    if plans:
        create_centres(rng=rng, plans=plans, today=today)
        reset_sequences()
    password = make_password(DEMO_PASSWORD)
    logins = {}
    for username, first, last, code, role, _ in LOGINS:
        user = _login(username, first, last, password)
        centre = CounsellingCentre.objects.get(code=code)
        Membership.objects.get_or_create(user=user, centre=centre, defaults={"role": role})
        logins[username] = user
    _login(*ADMIN[:3], password, superuser=True)
    return logins


def _login(username: str, first: str, last: str, password: str, *, superuser=False) -> User:
    user, _ = User.objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@example.org",
            "password": password,
            "is_superuser": superuser,
            "is_staff": superuser,
        },
    )
    return user


@transaction.atomic
def seed_demo(
    *,
    seed: int = DEMO_SEED,
    today: datetime.date | None = None,
    log: Callable[[str], None] = lambda message: None,
    documents: int | None = FROZEN_BY_SEED,
) -> Report | None:
    """The demo sites and logins, people for every demo centre that has none yet, and the
    frozen PDFs of the tour and of `documents` more signed versions (see FROZEN_BY_SEED;
    None freezes none)."""
    today = today or datetime.date.today()
    logins = seed_demo_sites(seed=seed, today=today)
    codes = [code for _, code, _ in demo_plans()]
    ids = list(
        CounsellingCentre.objects.filter(code__in=codes)
        .exclude(migrants__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    centres = [centre for centre in load_centres(ids) if centre.counsellor_ids]
    report = None
    if centres:
        berater = logins["berater"].pk
        assignments = caseloads(centres, berater)
        # Shuffled, so that intake dates (spread by position) mix the centres and counsellors.
        random.Random(seed).shuffle(assignments)
        # The earliest intakes of berater: a long enough file for three signed versions.
        firsts = [index for index, (user, _) in enumerate(assignments) if user == berater]
        report = generate(
            migrants=len(assignments),
            seed=seed,
            today=today,
            country=Country(centres=centres),
            assignments=assignments,
            history_years=HISTORY_YEARS,
            log=log,
            showcase=dict(zip(firsts, SHOWCASE, strict=False)),
        )
    if documents is not None:
        started = time.monotonic()
        frozen = freeze_demo_documents(limit=documents)
        log(f"{frozen} signed versions frozen as PDFs in {time.monotonic() - started:.1f} s")
    return report


def showcase_people() -> QuerySet[Migrant]:
    """The people of the tour, in the order of SHOWCASE."""
    return Migrant.objects.filter(counsellor__username="berater").order_by("intake_on", "pk")[
        : len(SHOWCASE)
    ]


def documents_to_freeze(limit: int | None = FROZEN_BY_SEED) -> list[int]:
    """Ids of the signed versions seed_demo freezes: every one of the tour, then the current
    signed version of the `limit` people of the login centres signed most recently. The same
    set on every run, whatever was opened in between, so a second run renders nothing."""
    # Signed: a draft ended unsigned with its case has no signature and no paper to keep.
    signed = Agreement.objects.filter(
        centre__code__in=LOGIN_CENTRES, signed_on__isnull=False
    ).exclude(status=AgreementStatus.DRAFT)
    if limit is None:  # every signed version of the login centres, superseded ones too
        return list(signed.order_by("pk").values_list("pk", flat=True))
    tour = list(
        signed.filter(migrant__in=list(showcase_people()))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    newest = (
        signed.exclude(status=AgreementStatus.SUPERSEDED)
        .exclude(pk__in=tour)
        .order_by("-signed_on", "-pk")
        .values_list("pk", flat=True)[:limit]
    )
    return tour + list(newest)


def freeze_demo_documents(*, limit: int | None = FROZEN_BY_SEED) -> int:
    """Freezes the PDFs of `documents_to_freeze` that have none yet; returns how many."""
    missing = Agreement.objects.filter(
        pk__in=documents_to_freeze(limit), signed_document__isnull=True
    ).order_by("pk")
    frozen = 0
    for agreement in missing:
        ensure_signed_document(agreement=agreement)
        frozen += 1
    return frozen


def caseloads(centres, berater_id: int) -> list[tuple[int, int]]:
    """(counsellor id, centre index) of every demo person: 55 per centre, shared round the
    team; in the centre of `berater` 40 for berater and 12 for each colleague."""
    plan = []
    for index, centre in enumerate(centres):
        team = centre.counsellor_ids
        if berater_id in team:
            colleagues = [user for user in team if user != berater_id]
            people = [berater_id] * BERATER_CASELOAD + [
                user for user in colleagues for _ in range(COLLEAGUE_CASELOAD)
            ]
        else:
            people = [team[number % len(team)] for number in range(PEOPLE_PER_CENTRE)]
        plan.extend((user, index) for user in people)
    return plan
