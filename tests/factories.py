import datetime

import factory
from factory.django import DjangoModelFactory

from agreements.enums import AgreementStatus, Responsible
from agreements.guard import terms_unlocked
from agreements.models import Agreement, Goal, Step
from people.enums import ConsentForm, GermanLevel, Language
from people.models import Consent, CounsellingSession, Migrant
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


class ChildFactory(DjangoModelFactory):
    class Meta:
        model = "integration.Child"

    migrant = factory.SubFactory(MigrantFactory)
    year_of_birth = 2019
    care = "kita"


class QualificationFactory(DjangoModelFactory):
    class Meta:
        model = "integration.Qualification"

    migrant = factory.SubFactory(MigrantFactory)
    title = "Krankenpflegerin"
    country = "SY"


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


class _TermsInPlace(DjangoModelFactory):
    """Test rows are put in place as the data generator puts them: a signed version's goals
    and steps are written beside it, which the database guard over the terms of signed
    versions refuses to any later writer (agreements/guard.py)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        with terms_unlocked():
            return super()._create(model_class, *args, **kwargs)


class GoalFactory(_TermsInPlace):
    class Meta:
        model = Goal

    agreement = factory.SubFactory(AgreementFactory)
    area = Area.LANGUAGE
    text = factory.Sequence(lambda n: f"Integrationskurs bis B1 abschließen ({n})")
    target_date = datetime.date(2026, 12, 31)
    position = factory.Sequence(lambda n: n)


class StepFactory(_TermsInPlace):
    class Meta:
        model = Step

    goal = factory.SubFactory(GoalFactory)
    description = factory.Sequence(lambda n: f"Anmeldung beim Kursträger ({n})")
    responsible = Responsible.MIGRANT
    due_on = datetime.date(2026, 4, 30)
    position = factory.Sequence(lambda n: n)


# --- privacy --------------------------------------------------------------------------


def _privacy_graph_imports():
    # Imported late: only the privacy tests need these models.
    from agreements.models import GoalOutcome, Review, SignedDocument
    from people.models import AccessLog, Child, ErasureRequest, Qualification

    return GoalOutcome, Review, SignedDocument, AccessLog, Child, ErasureRequest, Qualification


# The smallest files the upload checks accept as a PDF and as a PNG.
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
MINIMAL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class CaseGraph:
    """Every kind of object that belongs to one person, wired as in real use.

    Primary keys are set explicitly and differ between models, so a URL filled with the
    wrong kind of object answers 404 instead of passing by coincidence.
    """

    def __init__(
        self, *, centre, counsellor, supervisor, pk_base: int = 7000, marker: str = "Matrixtest"
    ):
        import hashlib

        from django.core.files.base import ContentFile
        from django.utils import timezone

        from agreements.enums import GoalStatus, HurdleCategory, ReviewOutcome
        from people.enums import AccessAction, CaseStatus, ChildCare, ClosureReason

        GoalOutcome, Review, SignedDocument, AccessLog, Child, ErasureRequest, Qualification = (
            _privacy_graph_imports()
        )
        b = pk_base
        self.centre, self.counsellor, self.supervisor = centre, counsellor, supervisor
        self.marker = marker
        self.partner = PartnerFactory(municipality=centre.municipality, name=f"Jobcenter P{b}")
        self.offer = OfferFactory(partner=self.partner, title=f"Integrationskurs P{b}")
        self.migrant = MigrantFactory(
            pk=b + 1,
            centre=centre,
            counsellor=counsellor,
            first_name="Amira",
            last_name=f"{marker}-Haddad",
            case_number=f"{centre.code}-2026-{b + 1}",
            phone="+49 621 555 0101",
            email="amira@example.org",
            street="Rheinstraße 7",
        )
        self.closed_migrant = MigrantFactory(
            pk=b + 2,
            centre=centre,
            counsellor=counsellor,
            first_name="Yusuf",
            last_name=f"{marker}-Demir",
            case_number=f"{centre.code}-2023-{b + 2}",
            status=CaseStatus.CLOSED,
            closed_on=datetime.date(2023, 5, 2),
            closure_reason=ClosureReason.MOVED,
        )
        self.child = Child.objects.create(
            pk=b + 11,
            migrant=self.migrant,
            year_of_birth=2019,
            care=ChildCare.KITA,
            note=f"{marker} Kita Sonnenschein",
        )
        self.qualification = Qualification.objects.create(
            pk=b + 21, migrant=self.migrant, title=f"{marker} Krankenpflegerin", country="SY"
        )
        self.consent = ConsentFactory(
            pk=b + 31, migrant=self.migrant, recipient_partner=self.partner
        )
        self.withdrawn_consent = ConsentFactory(
            pk=b + 32,
            migrant=self.migrant,
            recipient_partner=self.partner,
            given_on=datetime.date(2026, 2, 1),
            withdrawn_on=datetime.date(2026, 4, 1),
        )
        self.session = SessionFactory(
            pk=b + 41,
            migrant=self.migrant,
            counsellor=counsellor,
            notes=f"{marker}: spricht über ihre Familie",
        )
        self.signed = SignedAgreementFactory(
            pk=b + 51,
            migrant=self.migrant,
            number=f"{self.migrant.case_number}-IV",
            strengths=f"{marker} ist sehr motiviert",
        )
        self.draft = AgreementFactory(
            pk=b + 52,
            migrant=self.migrant,
            number=self.signed.number,
            version=2,
            predecessor=self.signed,
            amendment_reason=f"{marker} Umzug",
        )
        self.goal = GoalFactory(pk=b + 61, agreement=self.signed, text=f"{marker} Deutsch B1")
        self.draft_goal = GoalFactory(
            pk=b + 62,
            agreement=self.draft,
            key=self.goal.key,
            text=self.goal.text,
            status=GoalStatus.IN_PROGRESS,
        )
        self.step = StepFactory(
            pk=b + 71,
            goal=self.goal,
            description=f"{marker} meldet sich an",
            responsible=Responsible.PARTNER,
            partner=self.partner,
            offer=self.offer,
            consent=self.consent,
        )
        self.draft_step = StepFactory(
            pk=b + 72,
            goal=self.draft_goal,
            key=self.step.key,
            description=self.step.description,
            responsible=Responsible.PARTNER,
            partner=self.partner,
            offer=self.offer,
            consent=self.withdrawn_consent,
        )
        self.review = Review.objects.create(
            pk=b + 81,
            agreement=self.signed,
            held_on=datetime.date(2026, 6, 1),
            due_on=datetime.date(2026, 6, 1),
            successes=f"{marker} hat den Kurs begonnen",
            hurdles="Warteliste",
            hurdle_categories=[HurdleCategory.COURSE_WAITING_LIST],
            recorded_by=counsellor,
        )
        self.outcome = GoalOutcome.objects.create(
            pk=b + 91,
            review=self.review,
            goal=self.goal,
            outcome=ReviewOutcome.IN_PROGRESS,
            comment=f"{marker} kommt gut voran",
        )
        document = SignedDocument(
            pk=b + 101,
            agreement=self.signed,
            sha256=hashlib.sha256(MINIMAL_PDF + str(b).encode()).hexdigest(),
            verification_code=f"V{b + 101}",
            prepared_by=counsellor,
            scan_sha256=hashlib.sha256(MINIMAL_PNG).hexdigest(),
            scan_content_type="image/png",
            scan_uploaded_at=timezone.now(),
            scan_uploaded_by=counsellor,
        )
        document.pdf.save(f"iv-{b}.pdf", ContentFile(MINIMAL_PDF), save=False)
        document.scan.save(f"scan-{b}.png", ContentFile(MINIMAL_PNG), save=False)
        document.save()
        self.document = document
        self.erasure_request = ErasureRequest.objects.create(
            pk=b + 111,
            migrant=self.closed_migrant,
            reason="Wunsch der Person",
            requested_by=counsellor,
        )
        self.access_entry = AccessLog.objects.create(
            pk=b + 121,
            user=counsellor,
            centre=centre,
            migrant=self.migrant,
            action=AccessAction.VIEW_PERSON,
            detail=self.migrant.case_number,
        )

    @property
    def personal_markers(self) -> list[str]:
        """Strings that must never reach a user of another centre."""
        return [self.marker, self.migrant.case_number, self.closed_migrant.case_number]


# --- reviews --------------------------------------------------------------------------


class ReviewFactory(DjangoModelFactory):
    """A review as stored; tests of the rules go through `record_review` instead."""

    class Meta:
        model = "agreements.Review"

    agreement = factory.SubFactory(SignedAgreementFactory)
    held_on = datetime.date(2026, 6, 1)
    due_on = datetime.date(2026, 6, 1)
    successes = "Kurs begonnen"
    hurdle_categories = factory.LazyFunction(list)
    next_review_on = datetime.date(2026, 9, 1)
    recorded_by = factory.SelfAttribute("agreement.counsellor")


class GoalOutcomeFactory(DjangoModelFactory):
    class Meta:
        model = "agreements.GoalOutcome"

    review = factory.SubFactory(ReviewFactory)
    goal = factory.SubFactory(GoalFactory, agreement=factory.SelfAttribute("..review.agreement"))
    outcome = "achieved"
