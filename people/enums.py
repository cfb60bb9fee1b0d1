from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("female")
    MALE = "male", _("male")
    DIVERSE = "diverse", _("diverse")
    NOT_STATED = "not_stated", _("not stated")


class GermanLevel(models.TextChoices):
    NONE = "none", _("no German")
    A1 = "A1", "A1"
    A2 = "A2", "A2"
    B1 = "B1", "B1"
    B2 = "B2", "B2"
    C1 = "C1", "C1"
    C2 = "C2", "C2"


class Language(models.TextChoices):
    """Languages a person prefers; the first six can also be printed on an agreement."""

    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")
    TURKISH = "tr", _("Turkish")
    RUSSIAN = "ru", _("Russian")
    UKRAINIAN = "uk", _("Ukrainian")
    PERSIAN = "fa", _("Persian (Farsi/Dari)")
    KURDISH = "ku", _("Kurdish")
    PASHTO = "ps", _("Pashto")
    TIGRINYA = "ti", _("Tigrinya")
    SOMALI = "so", _("Somali")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    POLISH = "pl", _("Polish")
    ROMANIAN = "ro", _("Romanian")
    BULGARIAN = "bg", _("Bulgarian")
    ALBANIAN = "sq", _("Albanian")
    SERBIAN = "sr", _("Serbian")
    VIETNAMESE = "vi", _("Vietnamese")
    OTHER = "other", _("other language")


class ResidenceStatus(models.TextChoices):
    EU_CITIZEN = "eu", _("EU citizen (freedom of movement)")
    SETTLEMENT = "settlement", _("settlement permit")
    RESIDENCE_PERMIT = "permit", _("residence permit")
    TOLERATION = "toleration", _("temporary suspension of deportation (Duldung)")
    ASYLUM_PROCEDURE = "asylum", _("permission to remain during asylum procedure")
    NATURALISED = "naturalised", _("naturalised")
    OTHER = "other", _("other")


class CourseEntitlement(models.TextChoices):
    NONE = "none", _("neither entitled nor obliged")
    ENTITLED = "entitled", _("entitled")
    OBLIGED = "obliged", _("obliged")
    COMPLETED = "completed", _("course completed")
    UNKNOWN = "unknown", _("unknown")


class ChildCare(models.TextChoices):
    AT_HOME = "home", _("cared for at home")
    KITA = "kita", _("Kita")
    DAYCARE = "daycare", _("childminder")
    WAITING = "waiting", _("on a waiting list")
    SCHOOL = "school", _("school")
    TRAINING = "training", _("training or work")
    OTHER = "other", _("other")


class Degree(models.TextChoices):
    NONE = "none", _("no school-leaving certificate")
    PRIMARY = "primary", _("primary school")
    LOWER_SECONDARY = "lower_secondary", _("lower secondary certificate")
    SECONDARY = "secondary", _("intermediate / secondary certificate")
    UNIVERSITY_ENTRANCE = "university_entrance", _("university entrance qualification")
    UNIVERSITY = "university", _("university degree")
    UNKNOWN = "unknown", _("unknown")


class RecognitionStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("not started")
    IN_PROGRESS = "in_progress", _("in progress")
    RECOGNISED = "recognised", _("recognised")
    PARTLY = "partly", _("partly recognised")
    REFUSED = "refused", _("refused")


class Employment(models.TextChoices):
    UNEMPLOYED = "unemployed", _("not employed")
    EMPLOYED = "employed", _("employed")
    MARGINAL = "marginal", _("marginal employment (minijob)")
    SELF_EMPLOYED = "self_employed", _("self-employed")
    TRAINING = "training", _("in training")
    SCHOOL = "school", _("at school / studying")
    COURSE = "course", _("in an integration or language course")
    PARENTAL_LEAVE = "parental_leave", _("parental leave")
    OTHER = "other", _("other")


class Benefits(models.TextChoices):
    NONE = "none", _("none")
    SGB2 = "sgb2", _("citizen's income (SGB II)")
    SGB12 = "sgb12", _("social assistance (SGB XII)")
    ASYLBLG = "asylblg", _("asylum seekers' benefits (AsylbLG)")
    BAFOEG = "bafoeg", _("BAföG / vocational training allowance")
    OTHER = "other", _("other")


class Referral(models.TextChoices):
    SELF = "self", _("came on their own")
    JOBCENTER = "jobcenter", _("Jobcenter")
    FOREIGNERS_AUTHORITY = "foreigners_authority", _("foreigners' authority")
    COURSE_PROVIDER = "course_provider", _("course provider")
    FAMILY = "family", _("family or friends")
    OTHER_SERVICE = "other_service", _("another counselling service")
    OTHER = "other", _("other")


class CaseStatus(models.TextChoices):
    ACTIVE = "active", _("active")
    CLOSED = "closed", _("closed")


class ClosureReason(models.TextChoices):
    GOALS_REACHED = "goals_reached", _("goals reached")
    MOVED = "moved", _("moved away")
    NO_CONTACT = "no_contact", _("no further contact")
    HANDED_OVER = "handed_over", _("handed over to another service")
    PERSON_WISH = "person_wish", _("at the person's request")
    MERGED = "merged", _("merged into another record of the same person")
    OTHER = "other", _("other")


class ConsentForm(models.TextChoices):
    WRITTEN = "written", _("written")
    ORAL = "oral", _("oral (file note)")


class SessionMode(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("phone")
    VIDEO = "video", _("video")
    MESSENGER = "messenger", _("messenger")


class Interpreter(models.TextChoices):
    NONE = "none", _("no interpreter")
    PROFESSIONAL = "professional", _("professional interpreter")
    VOLUNTEER = "volunteer", _("volunteer interpreter")
    FAMILY = "family", _("family member")


class AccessAction(models.TextChoices):
    VIEW_PERSON = "view_person", _("viewed the person's page")
    DOWNLOAD_PDF = "download_pdf", _("downloaded an agreement PDF")
    DOWNLOAD_SCAN = "download_scan", _("downloaded a signed scan")
    DISCARD_PDF = "discard_pdf", _("discarded a frozen agreement PDF")
    EXPORT = "export", _("exported data")
    GDPR_EXPORT = "gdpr_export", _("exported a person's data (Art. 15 GDPR)")
    RESET_SECOND_FACTOR = "reset_2fa", _("reset a counsellor's second factor")
