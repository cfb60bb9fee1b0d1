"""Master data for a generated country: municipalities, centres, staff, partners, offers."""

from __future__ import annotations

import datetime
import math
import random
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db.models import Max

from integration.datagen import pools
from sites.demo import DEMO_PASSWORD, PARTNERS
from sites.enums import Role, ServiceType
from sites.models import CounsellingCentre, Membership, Municipality, Offer, Partner, User

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
class CentreInfo:
    id: int
    code: str
    service_type: str
    city: str
    postcode: str
    municipality_id: int
    counsellor_ids: list[int] = field(default_factory=list)
    supervisor_id: int | None = None
    # partner kind -> partner id, and (partner id, area) -> offer id, of the municipality
    partners: dict[str, int] = field(default_factory=dict)
    offers: dict[tuple[int, str], int] = field(default_factory=dict)


@dataclass
class Country:
    centres: list[CentreInfo]
    municipalities_created: int
    users_created: int
    partners_created: int
    offers_created: int

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


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def build_country(*, rng: random.Random, centres: int, today: datetime.date) -> Country:
    """Creates the centres (and what they need) the generated people are counselled in."""
    municipalities = _municipalities(rng, math.ceil(centres / CENTRES_PER_MUNICIPALITY))
    created_municipalities = sum(1 for m in municipalities if m.pk is None)
    if created_municipalities:
        next_id = _next_id(Municipality)
        for m in municipalities:
            if m.pk is None:
                m.pk, next_id = next_id, next_id + 1
        Municipality.objects.bulk_create([m for m in municipalities if m._state.adding])

    infos = _centres(rng, centres, municipalities)
    users_created = _staff(rng, infos, today)
    partners_created, offers_created = _partners(rng, infos, municipalities)
    return Country(
        centres=infos,
        municipalities_created=created_municipalities,
        users_created=users_created,
        partners_created=partners_created,
        offers_created=offers_created,
    )


def _municipalities(rng: random.Random, needed: int) -> list[Municipality]:
    existing = list(Municipality.objects.order_by("pk"))
    taken = {m.name for m in existing}
    chosen = existing[:needed]
    candidates = [(name, state) for name, state in pools.CITIES if name not in taken]
    serial = 1
    while len(chosen) < needed:
        if candidates:
            name, state = candidates.pop(0)
        else:
            name, state = f"Kommune {serial:04d}", rng.choice(pools.CITIES)[1]
            serial += 1
            if name in taken:
                continue
        taken.add(name)
        chosen.append(Municipality(name=name, federal_state=state))
    return chosen


def _centres(
    rng: random.Random, count: int, municipalities: list[Municipality]
) -> list[CentreInfo]:
    taken = set(CounsellingCentre.objects.values_list("code", flat=True))
    serials: dict[str, int] = {}
    next_id = _next_id(CounsellingCentre)
    rows, infos = [], []
    for index in range(count):
        municipality = municipalities[index % len(municipalities)]
        city = municipality.name.replace("Landkreis ", "").replace("Kreis ", "")
        prefix = (ascii_letters(city)[:3] or "ZZZ").upper()
        while True:
            serials[prefix] = serials.get(prefix, 0) + 1
            code = f"{prefix}{serials[prefix]}"
            if code not in taken:
                break
        taken.add(code)
        service = SERVICE_CYCLE[index % len(SERVICE_CYCLE)]
        provider = pools.PROVIDERS[rng.randrange(len(pools.PROVIDERS))]
        postcode = f"{rng.randint(10, 99)}{rng.randint(100, 999)}"
        rows.append(
            CounsellingCentre(
                pk=next_id,
                name=f"{SERVICE_NAME[service]} {provider} {city} ({code})",
                provider=provider,
                service_type=service,
                municipality=municipality,
                code=code,
                street=f"{rng.choice(pools.STREETS)} {rng.randint(1, 120)}",
                postcode=postcode,
                city=city,
                phone=f"0{rng.randint(200, 999)} {rng.randint(100000, 999999)}",
                email=f"beratung-{code.lower()}@example.org",
            )
        )
        infos.append(
            CentreInfo(
                id=next_id,
                code=code,
                service_type=service,
                city=city,
                postcode=postcode,
                municipality_id=municipality.pk,
            )
        )
        next_id += 1
    CounsellingCentre.objects.bulk_create(rows)
    return infos


def _staff(rng: random.Random, infos: list[CentreInfo], today: datetime.date) -> int:
    # One hash for everybody: hashing is slow on purpose, and these logins are for tests
    # and benchmarks only (the demo password).
    password = make_password(DEMO_PASSWORD)
    taken = set(User.objects.values_list("username", flat=True))
    next_id = _next_id(User)
    next_membership = _next_id(Membership)
    joined = datetime.datetime.combine(
        today - datetime.timedelta(days=6 * 365), datetime.time(8, tzinfo=datetime.UTC)
    )
    users, memberships = [], []

    def add(username: str, centre: CentreInfo, role: str) -> int:
        nonlocal next_id, next_membership
        base, serial = username, 1
        while username in taken:
            serial += 1
            username = f"{base}-{serial}"
        taken.add(username)
        names = pools.NAMES["de"]
        users.append(
            User(
                pk=next_id,
                username=username,
                first_name=rng.choice(names[0] + names[1]),
                last_name=rng.choice(names[2]),
                email=f"{username}@example.org",
                password=password,
                date_joined=joined,
            )
        )
        memberships.append(
            Membership(pk=next_membership, user_id=next_id, centre_id=centre.id, role=role)
        )
        next_id += 1
        next_membership += 1
        return next_id - 1

    for centre in infos:
        low, high = COUNSELLORS_PER_CENTRE
        for number in range(1, rng.randint(low, high) + 1):
            centre.counsellor_ids.append(
                add(f"{centre.code.lower()}-berater-{number}", centre, Role.COUNSELLOR)
            )
        centre.supervisor_id = add(f"{centre.code.lower()}-leitung", centre, Role.SUPERVISOR)
    User.objects.bulk_create(users)
    Membership.objects.bulk_create(memberships)
    return len(users)


def _partners(
    rng: random.Random, infos: list[CentreInfo], municipalities: list[Municipality]
) -> tuple[int, int]:
    """Every kind of partner once per municipality; existing partners are reused."""
    used = {info.municipality_id for info in infos}
    by_municipality: dict[int, dict[str, int]] = {m: {} for m in used}
    offers: dict[int, dict[tuple[int, str], int]] = {m: {} for m in used}
    for partner in Partner.objects.filter(municipality_id__in=used).order_by("pk"):
        by_municipality[partner.municipality_id].setdefault(partner.kind, partner.pk)
    for offer in Offer.objects.filter(partner__municipality_id__in=used).order_by("pk"):
        municipality_id = offer.partner.municipality_id
        offers[municipality_id].setdefault((offer.partner_id, offer.area), offer.pk)

    names = {m.pk: m.name for m in municipalities}
    next_partner, next_offer = _next_id(Partner), _next_id(Offer)
    new_partners, new_offers = [], []
    for municipality_id in sorted(used):
        city = names[municipality_id]
        for kind, name, offer_list in PARTNERS:
            if kind in by_municipality[municipality_id]:
                continue
            partner_id, next_partner = next_partner, next_partner + 1
            by_municipality[municipality_id][kind] = partner_id
            new_partners.append(
                Partner(
                    pk=partner_id,
                    name=name.format(city=city),
                    kind=kind,
                    municipality_id=municipality_id,
                    contact_person=" ".join(
                        [rng.choice(pools.NAMES["de"][0]), rng.choice(pools.NAMES["de"][2])]
                    ),
                    phone=f"0{rng.randint(200, 999)} {rng.randint(100000, 999999)}",
                    email=f"{kind.replace('_', '-')}-{municipality_id}@example.org",
                )
            )
            for area, title in offer_list:
                if (partner_id, area) in offers[municipality_id]:
                    continue
                offers[municipality_id][(partner_id, area)] = next_offer
                new_offers.append(
                    Offer(
                        pk=next_offer,
                        partner_id=partner_id,
                        area=area,
                        title=title,
                        languages="de, en",
                    )
                )
                next_offer += 1
    Partner.objects.bulk_create(new_partners)
    Offer.objects.bulk_create(new_offers)
    for info in infos:
        info.partners = by_municipality[info.municipality_id]
        info.offers = offers[info.municipality_id]
    return len(new_partners), len(new_offers)
