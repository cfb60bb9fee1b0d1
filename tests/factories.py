import datetime

import factory
from factory.django import DjangoModelFactory

from agreements.enums import AgreementStatus, Responsible
from agreements.models import Agreement, Goal, Step
from integration.enums import ConsentForm, GermanLevel, Language
from integration.models import Consent, CounsellingSession, Migrant
from sites.enums import Area, PartnerKind, Role, ServiceType
from sites.models import CounsellingCentre, Membership, Municipality, Offer, Partner, User


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Teststadt {n}")
    federal_state = "RP"


class CentreFactory(DjangoModelFactory):
    class Meta:
        model = CounsellingCentre

    name = factory.Sequence(lambda n: f"Beratungsstelle {n}")
    provider = "Caritasverband"
    service_type = ServiceType.MBE
    municipality = factory.SubFactory(MunicipalityFactory)
    code = factory.Sequence(lambda n: f"T{n}")
    city = "Teststadt"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="de_DE")
    last_name = factory.Faker("last_name", locale="de_DE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    centre = factory.SubFactory(CentreFactory)
    role = Role.COUNSELLOR


def counsellor_of(centre: CounsellingCentre, **kwargs) -> User:
    return MembershipFactory(centre=centre, role=Role.COUNSELLOR, **kwargs).user


def supervisor_of(centre: CounsellingCentre, **kwargs) -> User:
    return MembershipFactory(centre=centre, role=Role.SUPERVISOR, **kwargs).user


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Jobcenter {n}")
    kind = PartnerKind.JOBCENTER
    municipality = factory.SubFactory(MunicipalityFactory)


class OfferFactory(DjangoModelFactory):
    class Meta:
        model = Offer

    partner = factory.SubFactory(PartnerFactory)
    area = Area.WORK
    title = factory.Sequence(lambda n: f"Angebot {n}")


TODAY = datetime.date(2026, 11, 24)


# --- cases (integration) --------------------------------------------------------------


class MigrantFactory(DjangoModelFactory):
    """A person; the case number is drawn like the service does, per centre and year."""

    class Meta:
        model = Migrant

    centre = factory.SubFactory(CentreFactory)
    counsellor = factory.LazyAttribute(lambda m: counsellor_of(m.centre))
    case_number = factory.Sequence(lambda n: f"TST-2026-{n:04d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    date_of_birth = datetime.date(1990, 5, 17)
    nationality = "SY"
    country_of_birth = "SY"
    german_level = GermanLevel.A2
    preferred_language = Language.ARABIC
    intake_on = datetime.date(2026, 1, 15)


class ConsentFactory(DjangoModelFactory):
    class Meta:
        model = Consent

    migrant = factory.SubFactory(MigrantFactory)
    recipient_partner = factory.SubFactory(
        PartnerFactory, municipality=factory.SelfAttribute("..migrant.centre.municipality")
    )
    data_categories = "Name, Kontaktdaten, Sprachstand"
    purpose = "Vermittlung in einen Integrationskurs"
    form = ConsentForm.WRITTEN
    given_on = datetime.date(2026, 2, 1)


class SessionFactory(DjangoModelFactory):
    class Meta:
        model = CounsellingSession

    migrant = factory.SubFactory(MigrantFactory)
    counsellor = factory.SelfAttribute("migrant.counsellor")
    held_on = datetime.date(2026, 3, 1)
    duration_minutes = 60
    topics = factory.LazyFunction(lambda: [Area.LANGUAGE])
    notes = "Erstgespräch"


# --- agreements -----------------------------------------------------------------------


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    migrant = factory.SubFactory(MigrantFactory)
    centre = factory.SelfAttribute("migrant.centre")
    counsellor = factory.SelfAttribute("migrant.counsellor")
    number = factory.LazyAttribute(lambda a: f"{a.migrant.case_number}-IV")
    version = 1
    status = AgreementStatus.DRAFT
    situation_language = "Deutsch A2, Integrationskurs abgebrochen"
    document_language = Language.ARABIC
    valid_from = datetime.date(2026, 3, 1)
    review_interval_months = 3


class SignedAgreementFactory(AgreementFactory):
    status = AgreementStatus.ACTIVE
    signed_on = datetime.date(2026, 3, 1)
    signed_place = "Ludwigshafen"
    signed_by_migrant = True
    signed_by_counsellor = True
    next_review_on = datetime.date(2026, 6, 1)


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = Goal

    agreement = factory.SubFactory(AgreementFactory)
    area = Area.LANGUAGE
    text = factory.Sequence(lambda n: f"Integrationskurs bis B1 abschließen ({n})")
    target_date = datetime.date(2026, 12, 31)
    position = factory.Sequence(lambda n: n)


class StepFactory(DjangoModelFactory):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    description = factory.Sequence(lambda n: f"Anmeldung beim Kursträger ({n})")
    responsible = Responsible.MIGRANT
    due_on = datetime.date(2026, 4, 30)
    position = factory.Sequence(lambda n: n)
