from __future__ import annotations

import datetime
import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from people.enums import (
    AccessAction,
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
from sites.display import ChoiceDisplay
from sites.enums import PartnerKind, ServiceType
from sites.models import CounsellingCentre, Partner
from sites.permissions import supervised_centre_ids

# Letters that Unicode does not decompose into a base letter and an accent, so stripping
# combining marks leaves them as they are; a counsellor types "Yildiz" for "Yıldız".
LETTERS_WITHOUT_DECOMPOSITION = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ŧ": "t", "æ": "ae", "œ": "oe", "þ": "th"}
)


def normalise_for_search(text: str) -> str:
    """Lower case without accents, so "Şahin" is found as "sahin" and "Müller" as "muller"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    folded = stripped.casefold().replace("ß", "ss").translate(LETTERS_WITHOUT_DECOMPOSITION)
    return " ".join(folded.split())


def search_text_of(person) -> str:
    """What the caseload search matches a person by (also for historical model instances)."""
    return normalise_for_search(
        " ".join([person.first_name, person.last_name, person.name_latin, person.case_number])
    )


class MigrantQuerySet(models.QuerySet):
    def visible_to(self, user) -> MigrantQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(centre_id__in=user.centre_ids())

    def search(self, text: str) -> MigrantQuerySet:
        needle = normalise_for_search(text)
        if not needle:
            return self
        query = Q()
        for word in needle.split():
            query &= Q(search_text__contains=word)
        return self.filter(query)


class CaseNumberCounter(models.Model):
    """Last case number handed out per centre and year; locked while a number is drawn."""

    centre = models.ForeignKey(CounsellingCentre, on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "year"], name="integration_casenumbercounter_one_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.centre_id}/{self.year}: {self.last_number}"


class Migrant(ChoiceDisplay, models.Model):
    """The person counselled ("Klient/in")."""

    centre = models.ForeignKey(
        CounsellingCentre,
        verbose_name=_("counselling centre"),
        on_delete=models.PROTECT,
        related_name="migrants",
        db_index=False,  # migrant_centre_list and migrant_centre_counsellor start with it
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        on_delete=models.PROTECT,
        related_name="caseload",
        db_index=False,  # migrant_caseload starts with it
    )
    case_number = models.CharField(_("case number"), max_length=24, unique=True, editable=False)

    first_name = models.CharField(_("first name"), max_length=120)
    last_name = models.CharField(_("last name"), max_length=120)
    name_latin = models.CharField(
        _("name in Latin script"),
        max_length=240,
        blank=True,
        help_text=_("Transliteration if the name is usually written in another script."),
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=12, choices=Sex, default=Sex.NOT_STATED)
    nationality = CountryField(_("nationality"), blank=True)
    country_of_birth = CountryField(_("country of birth"), blank=True)

    languages = models.CharField(
        _("languages spoken"), max_length=200, blank=True, help_text=_("e.g. Arabic, English")
    )
    german_level = models.CharField(
        _("German level"), max_length=4, choices=GermanLevel, default=GermanLevel.NONE
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=Language, default=Language.GERMAN
    )
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    interpreter_language = models.CharField(
        _("interpreter language"), max_length=5, choices=Language, blank=True
    )

    arrival_on = models.DateField(_("arrival in Germany"), null=True, blank=True)
    residence_status = models.CharField(
        _("residence status"), max_length=12, choices=ResidenceStatus, blank=True
    )
    residence_legal_basis = models.CharField(
        _("legal basis"), max_length=80, blank=True, help_text=_("e.g. § 25 Abs. 2 AufenthG")
    )
    residence_issued_on = models.DateField(_("residence title issued on"), null=True, blank=True)
    residence_valid_until = models.DateField(
        _("residence title valid until"), null=True, blank=True
    )
    foreigners_authority = models.ForeignKey(
        Partner,
        verbose_name=_("responsible foreigners' authority"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": PartnerKind.FOREIGNERS_AUTHORITY},
    )
    course_entitlement = models.CharField(
        _("integration course"),
        max_length=10,
        choices=CourseEntitlement,
        default=CourseEntitlement.UNKNOWN,
    )

    schooling_years = models.PositiveSmallIntegerField(
        _("years of schooling"), null=True, blank=True
    )
    highest_degree = models.CharField(
        _("highest school degree"), max_length=20, choices=Degree, default=Degree.UNKNOWN
    )
    schooling_country = CountryField(_("country of schooling"), blank=True)
    employment = models.CharField(
        _("employment situation"), max_length=16, choices=Employment, blank=True
    )
    benefits = models.CharField(_("benefits received"), max_length=10, choices=Benefits, blank=True)

    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)

    intake_on = models.DateField(_("intake date"), default=datetime.date.today)
    referred_by = models.CharField(_("referred by"), max_length=24, choices=Referral, blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=CaseStatus, default=CaseStatus.ACTIVE
    )
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closing"), max_length=16, choices=ClosureReason, blank=True
    )
    closure_note = models.TextField(_("note on closing"), blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True, editable=False)

    # Optimistic locking: a form carries the revision it was loaded with.
    revision = models.PositiveIntegerField(default=1, editable=False)
    # Case-, accent-insensitive search over names, transliteration and case number.
    search_text = models.CharField(max_length=600, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # History is read per person (by id), never by centre, counsellor or authority.
    history = HistoricalRecords(
        excluded_fields=["search_text", "updated_at"],
        no_db_index=["centre", "counsellor", "foreigners_authority", "case_number"],
    )
    objects = MigrantQuerySet.as_manager()

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(
                fields=["counsellor", "status", "last_name", "first_name"],
                name="migrant_caseload",
            ),
            models.Index(
                fields=["centre", "status", "last_name", "first_name"], name="migrant_centre_list"
            ),
            models.Index(fields=["status", "closed_on"], name="migrant_closed"),
            # Dashboard: cases per counsellor of a centre, counted from the index alone
            # (a centre's rows are spread over the whole table at national size).
            models.Index(
                fields=["centre", "counsellor", "status", "intake_on"],
                include=["id"],
                name="migrant_centre_counsellor",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=CaseStatus.ACTIVE) | Q(closed_on__isnull=False),
                name="integration_migrant_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(arrival_on__isnull=True)
                | Q(date_of_birth__isnull=True)
                | Q(arrival_on__gte=models.F("date_of_birth")),
                name="integration_migrant_arrival_after_birth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.case_number})"

    def save(self, *args, **kwargs):
        self.search_text = search_text_of(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("integration:migrant-detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: datetime.date | None = None) -> int | None:
        if not self.date_of_birth:
            return None
        day = day or timezone.localdate()
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def programme_warnings(self) -> list[str]:
        """Hints when the age does not fit the centre's programme; never a block."""
        age = self.age_on()
        if age is None:
            return []
        service = self.centre.service_type
        if service == ServiceType.MBE and age < 27:
            return [
                _("MBE is meant for adults aged 27 and over; this person is %(age)s.")
                % {"age": age}
            ]
        if service == ServiceType.JMD and not 12 <= age <= 27:
            return [
                _("JMD is meant for young people aged 12 to 27; this person is %(age)s.")
                % {"age": age}
            ]
        return []


class Child(ChoiceDisplay, models.Model):
    migrant = models.ForeignKey(
        Migrant, verbose_name=_("client"), on_delete=models.CASCADE, related_name="children"
    )
    year_of_birth = models.PositiveSmallIntegerField(_("year of birth"))
    care = models.CharField(_("childcare / school"), max_length=10, choices=ChildCare)
    note = models.CharField(_("note"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("child")
        verbose_name_plural = _("children")
        ordering = ["year_of_birth", "pk"]

    def __str__(self) -> str:
        return f"{self.year_of_birth} – {self.get_care_display()}"


class Qualification(ChoiceDisplay, models.Model):
    migrant = models.ForeignKey(
        Migrant,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="qualifications",
    )
    title = models.CharField(_("qualification"), max_length=200)
    country = CountryField(_("country"), blank=True)
    recognition_status = models.CharField(
        _("recognition"),
        max_length=12,
        choices=RecognitionStatus,
        default=RecognitionStatus.NOT_STARTED,
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vocational qualification")
        verbose_name_plural = _("vocational qualifications")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class ConsentQuerySet(models.QuerySet):
    def visible_to(self, user) -> ConsentQuerySet:
        return self.filter(migrant__in=Migrant.objects.visible_to(user))

    def valid_on(self, day: datetime.date) -> ConsentQuerySet:
        return self.filter(given_on__lte=day).filter(
            Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day)
        )

    def covering(self, partner: Partner) -> ConsentQuerySet:
        return self.filter(Q(recipient_partner=partner) | Q(recipient_kind=partner.kind))


class Consent(ChoiceDisplay, models.Model):
    """What data may go to which recipient for which purpose (Einwilligung)."""

    migrant = models.ForeignKey(
        Migrant, verbose_name=_("client"), on_delete=models.CASCADE, related_name="consents"
    )
    recipient_partner = models.ForeignKey(
        Partner,
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    recipient_kind = models.CharField(
        _("or every partner of the kind"), max_length=30, choices=PartnerKind, blank=True
    )
    data_categories = models.TextField(_("which data"))
    purpose = models.TextField(_("purpose"))
    form = models.CharField(_("form"), max_length=8, choices=ConsentForm)
    file_note = models.TextField(_("file note"), blank=True)
    given_on = models.DateField(_("given on"))
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    history = HistoricalRecords(no_db_index=["recipient_partner"])
    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient_partner__isnull=False) | ~Q(recipient_kind=""),
                name="integration_consent_has_recipient",
            ),
            models.CheckConstraint(
                condition=Q(form=ConsentForm.WRITTEN) | ~Q(file_note=""),
                name="integration_consent_oral_needs_note",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=models.F("given_on")),
                name="integration_consent_withdrawn_after_given",
            ),
        ]

    def __str__(self) -> str:
        return str(self.recipient_partner or self.get_recipient_kind_display())

    def get_absolute_url(self) -> str:
        return self.migrant.get_absolute_url() + "#consents"

    def is_valid_on(self, day: datetime.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.given_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)


class CounsellingSessionQuerySet(models.QuerySet):
    def visible_to(self, user) -> CounsellingSessionQuerySet:
        return self.filter(migrant__in=Migrant.objects.visible_to(user))


class CounsellingSession(ChoiceDisplay, models.Model):
    migrant = models.ForeignKey(
        Migrant,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="sessions",
        db_index=False,  # session_migrant_date starts with it
    )
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("counsellor"),
        on_delete=models.PROTECT,
        related_name="counselling_sessions",
        db_index=False,  # session_counsellor_date starts with it
    )
    held_on = models.DateField(_("date"), default=datetime.date.today)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=45)
    mode = models.CharField(
        _("mode"), max_length=10, choices=SessionMode, default=SessionMode.IN_PERSON
    )
    interpreter = models.CharField(
        _("interpreter"), max_length=12, choices=Interpreter, default=Interpreter.NONE
    )
    interpreter_language = models.CharField(
        _("interpreter language"), max_length=5, choices=Language, blank=True
    )
    interpreter_is_minor = models.BooleanField(_("the interpreter is a minor"), default=False)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    agreed_next_steps = models.TextField(_("agreed next steps"), blank=True)
    next_appointment = models.DateTimeField(_("next appointment"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(no_db_index=["counsellor"])
    objects = CounsellingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")
        ordering = ["-held_on", "-pk"]
        indexes = [
            models.Index(
                fields=["migrant", "-held_on"],
                include=["counsellor", "id"],
                name="session_migrant_date",
            ),
            models.Index(fields=["counsellor", "held_on"], name="session_counsellor_date"),
            models.Index(fields=["counsellor", "next_appointment"], name="session_next_appt"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=1) & Q(duration_minutes__lte=720),
                name="integration_counsellingsession_duration_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.held_on:%d.%m.%Y} – {self.migrant.full_name}"

    def get_absolute_url(self) -> str:
        return self.migrant.get_absolute_url() + f"#session-{self.pk}"

    def topic_labels(self) -> list[str]:
        from sites.enums import Area

        labels = dict(Area.choices)
        return [str(labels.get(code, code)) for code in self.topics]


class AccessLogQuerySet(models.QuerySet):
    def visible_to(self, user) -> AccessLogQuerySet:
        if not user.is_authenticated:
            return self.none()
        # The centres' supervisors read who accessed what.
        return self.filter(centre_id__in=supervised_centre_ids(user))


class AccessLog(ChoiceDisplay, models.Model):
    """Who read or took away which personal data, and when."""

    at = models.DateTimeField(_("when"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT
    )
    centre = models.ForeignKey(
        CounsellingCentre, verbose_name=_("counselling centre"), on_delete=models.CASCADE
    )
    migrant = models.ForeignKey(
        Migrant,
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="access_log",
    )
    action = models.CharField(_("action"), max_length=16, choices=AccessAction)
    detail = models.CharField(_("what"), max_length=300, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["centre", "-at"], name="accesslog_centre_at"),
            models.Index(fields=["migrant", "-at"], name="accesslog_migrant_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.user} {self.get_action_display()}"


class ErasureRequestQuerySet(models.QuerySet):
    def visible_to(self, user) -> ErasureRequestQuerySet:
        return self.filter(migrant__in=Migrant.objects.visible_to(user))


class ErasureRequest(ChoiceDisplay, models.Model):
    """Anonymising a closed case: requested by a counsellor, carried out after a supervisor
    approves (four eyes)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved and carried out")
        REJECTED = "rejected", _("rejected")

    migrant = models.ForeignKey(
        Migrant, verbose_name=_("client"), on_delete=models.CASCADE, related_name="erasure_requests"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note on the decision"), blank=True)

    objects = ErasureRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("erasure request")
        verbose_name_plural = _("erasure requests")
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["migrant"],
                condition=Q(status="pending"),
                name="integration_erasurerequest_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.migrant_id} {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return self.migrant.get_absolute_url()
