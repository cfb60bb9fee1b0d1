"""The demo: the generator at a fixed seed and size in the model project's 87 centres, plus
the fixed logins the README, the tests and operators rely on.

Idempotent: centres, logins and people that exist stay as they are; a second run adds
nothing. Deterministic for a seed and a day (dates are relative to `today`).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import transaction

from integration.datagen import Report, generate, places, reset_sequences
from integration.datagen.sites import (
    DEMO_PASSWORD,
    SERVICE_CYCLE,
    CentrePlan,
    Country,
    create_centres,
    load_centres,
)
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
) -> Report | None:
    """The demo sites and logins, and people for every demo centre that has none yet."""
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
    if not centres:
        return None
    assignments = caseloads(centres, logins["berater"].pk)
    # Shuffled, so that intake dates (spread by position) mix the centres and counsellors.
    random.Random(seed).shuffle(assignments)
    return generate(
        migrants=len(assignments),
        seed=seed,
        today=today,
        country=Country(centres=centres),
        assignments=assignments,
        history_years=HISTORY_YEARS,
        log=log,
    )


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
