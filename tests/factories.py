import datetime

import factory
from factory.django import DjangoModelFactory

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
