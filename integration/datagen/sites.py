"""Master data for generated people: municipalities, centres, staff, partners, offers."""

from __future__ import annotations

import datetime
import math
import random
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db.models import Max

from integration.datagen import places
from integration.datagen.pools import NAMES
from sites.enums import Role, ServiceType
from sites.models import CounsellingCentre, Membership, Municipality, Offer, Partner, User

DEMO_PASSWORD = "integration-demo"  # noqa: S105 - documented demo login, never production
CASES_PER_COUNSELLOR = 300
COUNSELLORS_PER_CENTRE = (3, 8)
CENTRES_PER_MUNICIPALITY = 5
SERVICE_NAME = {
    ServiceType.MBE: "MBE",
    ServiceType.JMD: "JMD",
    ServiceType.MUNICIPAL: "Integrationsberatung",
    ServiceType.OTHER: "Beratung",
}
SERVICE_CYCLE = [ServiceType.MBE, ServiceType.JMD, ServiceType.MBE, ServiceType.MUNICIPAL]


@dataclass
class CentrePlan:
    """A centre to create: where, under which code, with how many counsellors."""

    municipality: Municipality
    code: str
    service_type: str
    counsellors: int


@dataclass
class CentreInfo:
    id: int
    code: str
    service_type: str
    city: str
    postcode: str
    municipality_id: int
    counsellor_ids: list[int] = field(default_factory=list)
    # partner kind -> partner id, and (partner id, area) -> offer id, of the municipality
    partners: dict[str, int] = field(default_factory=dict)
    offers: dict[tuple[int, str], int] = field(default_factory=dict)


@dataclass
class Country:
    centres: list[CentreInfo]
    municipalities_created: int = 0
    users_created: int = 0
    partners_created: int = 0

    @property
    def counsellors(self) -> list[tuple[int, int]]:
        """(user id, centre index) of every counsellor."""
        return [
            (user_id, index)
            for index, centre in enumerate(self.centres)
            for user_id in centre.counsellor_ids
        ]


def default_centre_count(migrants: int) -> int:
    average = CASES_PER_COUNSELLOR * sum(COUNSELLORS_PER_CENTRE) / 2
    return max(2, math.ceil(migrants / average))


def ascii_letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    return "".join(ch for ch in plain if ch.isascii() and ch.isalpha())


def address_of(municipality_name: str) -> tuple[str, str]:
    """(postcode, town) of a municipality: real for every place in `places`; a municipality
    made up beyond them (or added by hand) has no postcode to borrow."""
    place = places.PLACES.get(municipality_name)
    if place is not None:
        return place.postcode, place.town
    return "", municipality_name.replace("Landkreis ", "").replace("Kreis ", "")


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def build_country(*, rng: random.Random, centres: int, today: datetime.date) -> Country:
    """New centres for a national size: five per municipality, existing ones first."""
    municipalities = _municipalities(rng, math.ceil(centres / CENTRES_PER_MUNICIPALITY))
    created = [m for m in municipalities if m.pk is None]
    next_id = _next_id(Municipality)
    for offset, municipality in enumerate(created):
        municipality.pk = next_id + offset
    Municipality.objects.bulk_create(created)
    taken = set(CounsellingCentre.objects.values_list("code", flat=True))
    serials: dict[str, int] = {}
    plans = []
    for index in range(centres):
        municipality = municipalities[index % len(municipalities)]
        prefix = (ascii_letters(address_of(municipality.name)[1])[:3] or "ZZZ").upper()
        while True:
            serials[prefix] = serials.get(prefix, 0) + 1
            code = f"{prefix}{serials[prefix]}"
            if code not in taken:
                break
        taken.add(code)
        counsellors = rng.randint(*COUNSELLORS_PER_CENTRE)
        plans.append(CentrePlan(municipality, code, SERVICE_CYCLE[index % 4], counsellors))
    country = create_centres(rng=rng, plans=plans, today=today)
    country.municipalities_created = len(created)
    return country


def _municipalities(rng: random.Random, needed: int) -> list[Municipality]:
    existing = list(Municipality.objects.order_by("pk"))
    taken = {m.name for m in existing}
    chosen = existing[:needed]
    candidates = [place for place in places.CITIES if place.name not in taken]
    serial = 1
    while len(chosen) < needed:
        if candidates:
            place = candidates.pop(0)
            name, state = place.name, place.state
        else:
            name, state = f"Kommune {serial:04d}", rng.choice(places.CITIES).state
            serial += 1
            if name in taken:
                continue
        taken.add(name)
        chosen.append(Municipality(name=name, federal_state=state))
    return chosen


def create_centres(*, rng: random.Random, plans: list[CentrePlan], today: datetime.date):
    """Creates the planned centres with their staff, and the partners their municipalities
    lack; returns them as the generator sees them."""
    next_id = _next_id(CounsellingCentre)
    rows = []
    for offset, plan in enumerate(plans):
        postcode, town = address_of(plan.municipality.name)
        provider = places.PROVIDERS[rng.randrange(len(places.PROVIDERS))]
        rows.append(
            CounsellingCentre(
                pk=next_id + offset,
                name=f"{SERVICE_NAME[plan.service_type]} {provider} {town} ({plan.code})",
                provider=provider,
                service_type=plan.service_type,
                municipality=plan.municipality,
                code=plan.code,
                street=f"{rng.choice(places.STREETS)} {rng.randint(1, 120)}",
                postcode=postcode,
                city=town,
                phone=f"0{rng.randint(200, 999)} {rng.randint(100000, 999999)}",
                email=f"beratung-{plan.code.lower()}@example.org",
            )
        )
    CounsellingCentre.objects.bulk_create(rows)
    users = _staff(rng, rows, [plan.counsellors for plan in plans], today)
    partners = _partners(rng, {plan.municipality for plan in plans})
    return Country(
        centres=load_centres([row.pk for row in rows]),
        users_created=users,
        partners_created=partners,
    )


def _staff(rng, centres: list[CounsellingCentre], counsellors: list[int], today) -> int:
    # One hash for everybody: hashing is slow on purpose, and these logins are for tests,
    # the demo and benchmarks only (the demo password).
    password = make_password(DEMO_PASSWORD)
    taken = set(User.objects.values_list("username", flat=True))
    next_id = _next_id(User)
    next_membership = _next_id(Membership)
    joined = datetime.datetime.combine(
        today - datetime.timedelta(days=6 * 365), datetime.time(8, tzinfo=datetime.UTC)
    )
    names = NAMES["de"]
    users, memberships = [], []

    def add(username: str, centre: CounsellingCentre, role: str) -> None:
        nonlocal next_id, next_membership
        base, serial = username, 1
        while username in taken:
            serial += 1
            username = f"{base}-{serial}"
        taken.add(username)
        users.append(
            User(
                pk=next_id,
                username=username,
                first_name=rng.choice(names.female + names.male)[0],
                last_name=rng.choice(names.male_family)[0],
                email=f"{username}@example.org",
                password=password,
                date_joined=joined,
            )
        )
        memberships.append(
            Membership(pk=next_membership, user_id=next_id, centre_id=centre.pk, role=role)
        )
        next_id += 1
        next_membership += 1

    for centre, count in zip(centres, counsellors, strict=True):
        for number in range(1, count + 1):
            add(f"{centre.code.lower()}-berater-{number}", centre, Role.COUNSELLOR)
        add(f"{centre.code.lower()}-leitung", centre, Role.SUPERVISOR)
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(memberships)
    return len(users)


def _partners(rng: random.Random, municipalities: set[Municipality]) -> int:
    """Every kind of partner once per municipality, with its offers; existing ones stay."""
    have = set(
        Partner.objects.filter(municipality__in=municipalities).values_list("municipality", "kind")
    )
    next_partner, next_offer = _next_id(Partner), _next_id(Offer)
    new_partners, new_offers = [], []
    for municipality in sorted(municipalities, key=lambda m: m.pk):
        for kind, name, offers in places.PARTNERS:
            if (municipality.pk, kind) in have:
                continue
            names = NAMES["de"]
            contact = rng.choice(names.female + names.male)[0], rng.choice(names.male_family)[0]
            new_partners.append(
                Partner(
                    pk=next_partner,
                    name=name.format(city=address_of(municipality.name)[1]),
                    kind=kind,
                    municipality=municipality,
                    contact_person=" ".join(contact),
                    phone=f"0{rng.randint(200, 999)} {rng.randint(100000, 999999)}",
                    email=f"{kind.replace('_', '-')}-{municipality.pk}@example.org",
                )
            )
            for area, title in offers:
                new_offers.append(
                    Offer(
                        pk=next_offer,
                        partner_id=next_partner,
                        area=area,
                        title=title,
                        languages="de, en",
                    )
                )
                next_offer += 1
            next_partner += 1
    Partner.objects.bulk_create(new_partners)
    Offer.objects.bulk_create(new_offers)
    return len(new_partners)


def load_centres(ids: list[int]) -> list[CentreInfo]:
    """Centres as the generator sees them, in the order given: their active counsellors,
    the partners and offers of their municipality."""
    centres = {c.pk: c for c in CounsellingCentre.objects.filter(pk__in=ids)}
    used = {c.municipality_id for c in centres.values()}
    partners: dict[int, dict[str, int]] = {m: {} for m in used}
    offers: dict[int, dict[tuple[int, str], int]] = {m: {} for m in used}
    for pk, municipality_id, kind in (
        Partner.objects.filter(municipality_id__in=used)
        .values_list("pk", "municipality_id", "kind")
        .order_by("pk")
    ):
        partners[municipality_id].setdefault(kind, pk)
    for pk, partner_id, area, municipality_id in (
        Offer.objects.filter(partner__municipality_id__in=used)
        .values_list("pk", "partner_id", "area", "partner__municipality_id")
        .order_by("pk")
    ):
        offers[municipality_id].setdefault((partner_id, area), pk)
    counsellors: dict[int, list[int]] = {pk: [] for pk in ids}
    for centre_id, user_id in (
        Membership.objects.filter(centre_id__in=ids, role=Role.COUNSELLOR, user__is_active=True)
        .values_list("centre_id", "user_id")
        .order_by("user_id")
    ):
        counsellors[centre_id].append(user_id)
    return [
        CentreInfo(
            id=pk,
            code=centres[pk].code,
            service_type=centres[pk].service_type,
            city=centres[pk].city,
            postcode=centres[pk].postcode,
            municipality_id=centres[pk].municipality_id,
            counsellor_ids=counsellors[pk],
            partners=partners[centres[pk].municipality_id],
            offers=offers[centres[pk].municipality_id],
        )
        for pk in ids
    ]
