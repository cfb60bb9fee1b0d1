"""The load test's database: its server environment, a fresh database, and the seed
(5 centres, 50 counsellors with 20 people each, consents, sessions, a signed agreement
with its frozen PDF and a draft per counsellor). Used by `load.py`."""

from __future__ import annotations

import os

PASSWORD = "load-test-password-1"  # noqa: S105 - a throwaway database of invented people
CENTRES = 5
COUNSELLORS_PER_CENTRE = 10
PEOPLE_PER_COUNSELLOR = 20


# --- the database ----------------------------------------------------------------------


def server_environment(database: str, host: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"postgres://postgres@{host}:5432/{database}",
        "DEBUG": "0",
        "SECRET_KEY": "load-test-only-secret-key-not-for-production-long-enough-for-the-check",
        "HTTPS": "0",
        "STATIC_MANIFEST": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "integration.settings",
        # A fresh account may log in 50 times from one address without being locked out.
        "AXES_FAILURE_LIMIT": "1000",
    }


def recreate_database(database: str, host: str) -> None:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@{host}:5432/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{database}"')


def seed() -> dict:
    """People, consents, sessions, agreements; returns what the simulated users need."""
    import datetime
    import hashlib

    from django.contrib.auth.hashers import make_password
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    from agreements.enums import AgreementStatus, Responsible
    from agreements.models import Agreement, Goal, SignedDocument, Step
    from agreements.pdf import render_agreement_pdf
    from people.enums import ConsentForm
    from people.models import Consent, CounsellingSession, Migrant, normalise_for_search
    from sites.enums import Area, PartnerKind, Role, ServiceType
    from sites.models import CounsellingCentre, Membership, Municipality, Partner, User

    call_command("migrate", verbosity=0, interactive=False)
    municipality = Municipality.objects.order_by("name").first()
    jobcenter = Partner.objects.create(
        name="Jobcenter Lasttest", kind=PartnerKind.JOBCENTER, municipality=municipality
    )
    password = make_password(PASSWORD)
    first_names = ["Amira", "Yusuf", "Olena", "Mehmet", "Fatima", "Dmytro", "Samira", "Ali"]
    last_names = ["Haddad", "Demir", "Kovalenko", "Yilmaz", "Rahimi", "Shevchenko", "Nasser"]
    users, today = [], datetime.date.today()
    signed_pdf: bytes | None = None
    for c in range(CENTRES):
        centre = CounsellingCentre.objects.create(
            name=f"Lasttest-Beratungsstelle {c + 1}",
            provider="Lasttest e. V.",
            service_type=ServiceType.MBE,
            municipality=municipality,
            code=f"LT{c + 1}",
        )
        boss = User.objects.create(username=f"load-lead{c + 1}", password=password)
        Membership.objects.create(user=boss, centre=centre, role=Role.SUPERVISOR)
        for k in range(COUNSELLORS_PER_CENTRE):
            user = User.objects.create(
                username=f"load{c + 1}{k:02d}",
                password=password,
                first_name="Last",
                last_name=f"{k}",
            )
            Membership.objects.create(user=user, centre=centre, role=Role.COUNSELLOR)
            people = []
            for i in range(PEOPLE_PER_COUNSELLOR):
                first = first_names[(k + i) % len(first_names)]
                last = f"{last_names[(c + i) % len(last_names)]}-{k}{i}"
                number = f"LT{c + 1}-2026-{k:02d}{i:02d}"
                people.append(
                    Migrant(
                        centre=centre,
                        counsellor=user,
                        case_number=number,
                        first_name=first,
                        last_name=last,
                        date_of_birth=datetime.date(1980 + i, 1 + k % 12, 1 + i),
                        nationality="SY",
                        intake_on=datetime.date(2026, 1, 1 + i),
                        search_text=normalise_for_search(f"{first} {last} {number}"),
                    )
                )
            people = Migrant.objects.bulk_create(people)
            Consent.objects.bulk_create(
                Consent(
                    migrant=m,
                    recipient_partner=jobcenter,
                    data_categories="Name, Kontakt",
                    purpose="Vermittlung",
                    form=ConsentForm.WRITTEN,
                    given_on=datetime.date(2026, 1, 10),
                )
                for m in people
            )
            CounsellingSession.objects.bulk_create(
                CounsellingSession(
                    migrant=m,
                    counsellor=user,
                    held_on=datetime.date(2026, 2, 1 + n),
                    notes="Gespräch",
                    topics=[Area.LANGUAGE],
                )
                for m in people
                for n in range(2)
            )
            signed = Agreement.objects.create(
                migrant=people[0],
                centre=centre,
                counsellor=user,
                number=f"{people[0].case_number}-IV",
                status=AgreementStatus.ACTIVE,
                signed_on=datetime.date(2026, 3, 1),
                valid_from=datetime.date(2026, 3, 1),
                next_review_on=today + datetime.timedelta(days=30),
                signed_by_migrant=True,
                signed_by_counsellor=True,
            )
            draft = Agreement.objects.create(
                migrant=people[1],
                centre=centre,
                counsellor=user,
                number=f"{people[1].case_number}-IV",
            )
            for agreement in (signed, draft):
                for g, area in enumerate([Area.LANGUAGE, Area.WORK, Area.CHILDCARE]):
                    goal = Goal.objects.create(
                        agreement=agreement, area=area, text=f"Ziel {g + 1}", position=g
                    )
                    Step.objects.create(
                        goal=goal, description="Anmeldung", responsible=Responsible.MIGRANT
                    )
            if signed_pdf is None:
                signed_pdf = render_agreement_pdf(signed)
            # One real rendering, made unique per agreement (the hash is unique).
            content = signed_pdf + f"\n%load {signed.pk}\n".encode()
            document = SignedDocument(
                agreement=signed,
                sha256=hashlib.sha256(content).hexdigest(),
                verification_code=f"LOAD{signed.pk:06d}",
                prepared_by=user,
            )
            document.pdf.save(f"load-{signed.pk}.pdf", ContentFile(content), save=False)
            document.save()
            users.append(
                {
                    "username": user.username,
                    "people": [m.pk for m in people],
                    "search": [m.last_name[:5] for m in people[:5]],
                    "signed": signed.pk,
                    "draft": draft.pk,
                }
            )
    return {"users": users}
