from django.db import models
from django.utils.translation import gettext_lazy as _


class FederalState(models.TextChoices):
    BW = "BW", _("Baden-Württemberg")
    BY = "BY", _("Bavaria")
    BE = "BE", _("Berlin")
    BB = "BB", _("Brandenburg")
    HB = "HB", _("Bremen")
    HH = "HH", _("Hamburg")
    HE = "HE", _("Hesse")
    MV = "MV", _("Mecklenburg-Western Pomerania")
    NI = "NI", _("Lower Saxony")
    NW = "NW", _("North Rhine-Westphalia")
    RP = "RP", _("Rhineland-Palatinate")
    SL = "SL", _("Saarland")
    SN = "SN", _("Saxony")
    ST = "ST", _("Saxony-Anhalt")
    SH = "SH", _("Schleswig-Holstein")
    TH = "TH", _("Thuringia")


class ServiceType(models.TextChoices):
    MBE = "mbe", _("MBE (migration counselling for adults)")
    JMD = "jmd", _("JMD (youth migration service)")
    MUNICIPAL = "municipal", _("Municipal counselling")
    OTHER = "other", _("Other")


class PartnerKind(models.TextChoices):
    JOBCENTER = "jobcenter", _("Jobcenter")
    FOREIGNERS_AUTHORITY = "foreigners_authority", _("Foreigners' authority")
    EMPLOYMENT_AGENCY = "employment_agency", _("Employment agency")
    COURSE_PROVIDER = "course_provider", _("Integration course provider")
    CHILDCARE = "childcare", _("Kita / youth welfare office")
    RECOGNITION = "recognition", _("Recognition counselling")
    SCHOOL = "school", _("School")
    HEALTH = "health", _("Health")
    OTHER = "other", _("Other")


class Area(models.TextChoices):
    """The fields of action (Handlungsfelder) goals, offers and session topics belong to."""

    LANGUAGE = "language", _("German language")
    EDUCATION = "education", _("School and training")
    WORK = "work", _("Work")
    RECOGNITION = "recognition", _("Recognition of qualifications")
    CHILDCARE = "childcare", _("Childcare and school")
    HOUSING = "housing", _("Housing")
    HEALTH = "health", _("Health")
    RESIDENCE = "residence", _("Residence and legal matters")
    MONEY = "money", _("Money and benefits")
    PARTICIPATION = "participation", _("Social participation")


class Role(models.TextChoices):
    COUNSELLOR = "counsellor", _("Counsellor")
    SUPERVISOR = "supervisor", _("Supervisor")
