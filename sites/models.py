from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sites.django_overrides import ChoiceDisplay
from sites.enums import Area, FederalState, PartnerKind, Role, ServiceType


class User(AbstractUser):
    """A person who signs in: counsellor, supervisor or operator (superuser)."""

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def supervised_centres(self) -> list[CounsellingCentre]:
        """The centres this user supervises, from the cached memberships (no query)."""
        return [m.centre for m in self.memberships_cached() if m.role == Role.SUPERVISOR]

    def supervised_centre_ids(self) -> list[int]:
        # Kept with the memberships: views test many centres against it (an evaluator
        # supervises hundreds), and rebuilding it per test made those pages quadratic.
        if not hasattr(self, "_supervised_ids_cache"):
            self._supervised_ids_cache = [centre.pk for centre in self.supervised_centres()]
        return self._supervised_ids_cache

    def centre_ids(self) -> list[int]:
        return [m.centre_id for m in self.memberships_cached()]

    def memberships_cached(self) -> list[Membership]:
        # Every page asks this several times; one query per request is enough.
        if not hasattr(self, "_memberships_cache"):
            self._memberships_cache = list(
                self.memberships.select_related("centre__municipality").order_by("centre__name")
            )
        return self._memberships_cache


class MunicipalityQuerySet(models.QuerySet):
    def visible_to(self, user) -> MunicipalityQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(centres__memberships__user=user).distinct()


class Municipality(ChoiceDisplay, models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    federal_state = models.CharField(_("federal state"), max_length=2, choices=FederalState)

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sites:municipality-detail", args=[self.pk])


class CounsellingCentreQuerySet(models.QuerySet):
    def visible_to(self, user) -> CounsellingCentreQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=user.centre_ids())

    def supervised_by(self, user) -> CounsellingCentreQuerySet:
        if not user.is_authenticated:
            return self.none()
        return self.filter(pk__in=user.supervised_centre_ids())


class CounsellingCentre(ChoiceDisplay, models.Model):
    name = models.CharField(_("name"), max_length=200)
    provider = models.CharField(_("provider (Träger)"), max_length=200)
    service_type = models.CharField(_("service type"), max_length=20, choices=ServiceType)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="centres",
    )
    code = models.CharField(
        _("case number prefix"),
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[A-Z][A-Z0-9]{1,7}$", _("2–8 capital letters or digits."))],
        help_text=_("Prefix of the case numbers, e.g. LU for LU-2026-0042."),
    )
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=120, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    counsellors_need_second_factor = models.BooleanField(
        _("counsellors must use a second factor"),
        default=False,
        help_text=_(
            "Supervisors always need one; with this, the centre's counsellors need one too."
        ),
    )

    objects = CounsellingCentreQuerySet.as_manager()

    class Meta:
        verbose_name = _("counselling centre")
        verbose_name_plural = _("counselling centres")
        ordering = ["name"]
        indexes = [models.Index(fields=["municipality", "name"], name="centre_municipality_name")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sites:centre-detail", args=[self.pk])

    @property
    def address(self) -> str:
        return ", ".join(p for p in [self.street, f"{self.postcode} {self.city}".strip()] if p)


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user) -> PartnerQuerySet:
        if not user.is_authenticated:
            return self.none()
        municipality_ids = {m.centre.municipality_id for m in user.memberships_cached()}
        return self.filter(municipality_id__in=municipality_ids)


class Partner(ChoiceDisplay, models.Model):
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, choices=PartnerKind)
    municipality = models.ForeignKey(
        Municipality,
        verbose_name=_("municipality"),
        on_delete=models.PROTECT,
        related_name="partners",
    )
    contact_person = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation partner")
        verbose_name_plural = _("cooperation partners")
        ordering = ["name"]
        indexes = [models.Index(fields=["municipality", "kind"], name="partner_municipality_kind")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("sites:partner-detail", args=[self.pk])


class OfferQuerySet(models.QuerySet):
    def visible_to(self, user) -> OfferQuerySet:
        return self.filter(partner__in=Partner.objects.visible_to(user))


class Offer(ChoiceDisplay, models.Model):
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="offers"
    )
    area = models.CharField(_("area"), max_length=20, choices=Area)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    languages = models.CharField(
        _("languages"), max_length=200, blank=True, help_text=_("Comma-separated, e.g. de, ar")
    )
    active = models.BooleanField(_("active"), default=True)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["title"]
        indexes = [models.Index(fields=["partner", "area"], name="offer_partner_area")]

    def __str__(self) -> str:
        return f"{self.title} ({self.partner.name})"

    def get_absolute_url(self) -> str:
        return reverse("sites:partner-detail", args=[self.partner_id])


class Membership(ChoiceDisplay, models.Model):
    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    centre = models.ForeignKey(
        CounsellingCentre,
        verbose_name=_("counselling centre"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.COUNSELLOR)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["centre__name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "centre"], name="counselling_sites_membership_one_per_centre"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.centre} ({self.get_role_display()})"
