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
    Benefits,
    CaseStatus,
    ChildCare,
    ClosureReason,
    CourseEntitlement,
    Degree,
    Employment,
    GermanLevel,
    Language,
    RecognitionStatus,
    Referral,
    ResidenceStatus,
    Sex,
)
from sites.django_overrides import ChoiceDisplay
from sites.enums import PartnerKind, ServiceType
from sites.models import CounsellingCentre, Partner

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
    # A second record of the same person, merged into the one that holds the case now.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_records",
    )

    # Optimistic locking: a form carries the revision it was loaded with.
    revision = models.PositiveIntegerField(default=1, editable=False)
    # Case-, accent-insensitive search over names, transliteration and case number.
    search_text = models.CharField(max_length=600, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # History is read per person (by id), never by centre, counsellor or authority.
    history = HistoricalRecords(
        excluded_fields=["search_text", "updated_at"],
        no_db_index=["centre", "counsellor", "foreigners_authority", "case_number", "merged_into"],
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
            # The duplicate check at intake: a centre's people born on one day.
            models.Index(fields=["centre", "date_of_birth"], name="migrant_centre_born"),
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
