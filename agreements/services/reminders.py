"""What is due, and the reminders that keep reviews and steps on time: the start page's
lists, the due lists and the daily e-mail digests."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from agreements.enums import STEP_STATUSES_TO_DO, AgreementStatus, DigestKind
from agreements.models import Agreement, ReminderDigest, Step
from people.models import CounsellingSession
from sites.models import Membership, User

# "Due this week" means the next seven days, so a Friday still shows next Thursday.
DUE_SOON_DAYS = 7
HOME_LIST_LIMIT = 10
# An e-mail lists this many items per section and links to the rest.
DIGEST_LIST_LIMIT = 25


def due_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """First and last day that count as "due soon" (today included)."""
    return today, today + datetime.timedelta(days=DUE_SOON_DAYS - 1)


def reviewable(queryset: QuerySet[Agreement]) -> QuerySet[Agreement]:
    """Active agreements with a review date: the ones a review can be due for."""
    return queryset.filter(status=AgreementStatus.ACTIVE, next_review_on__isnull=False)


def due_reviews(
    queryset: QuerySet[Agreement], *, state: str, today: datetime.date
) -> QuerySet[Agreement]:
    """Active agreements whose review is overdue ("overdue"), due within the next days
    ("soon"), or either ("due")."""
    first, last = due_window(today)
    queryset = reviewable(queryset)
    if state == "overdue":
        queryset = queryset.filter(next_review_on__lt=first)
    elif state == "soon":
        queryset = queryset.filter(next_review_on__range=(first, last))
    else:
        queryset = queryset.filter(next_review_on__lte=last)
    return queryset.order_by("next_review_on", "pk")


def overdue_steps(queryset: QuerySet[Step], today: datetime.date) -> QuerySet[Step]:
    """Steps still to do whose current due date (postponed, or as agreed) has passed;
    `current_due` is the expression of the index step_status_due."""
    return queryset.alias(current_due=Coalesce("postponed_to", "due_on")).filter(
        status__in=STEP_STATUSES_TO_DO,
        current_due__lt=today,
        goal__agreement__status=AgreementStatus.ACTIVE,
    )


def home_items(*, user: User, today: datetime.date | None = None) -> dict:
    """The start page's reminders: the user's reviews overdue and due soon, steps past due.

    Five queries whatever the caseload: one count over the agreements, one over the steps,
    and the first few rows of each list.
    """
    today = today or timezone.localdate()
    first, last = due_window(today)
    own = reviewable(Agreement.objects.visible_to(user).filter(counsellor=user))
    counts = own.aggregate(
        overdue=Count("pk", filter=Q(next_review_on__lt=first)),
        due_soon=Count("pk", filter=Q(next_review_on__range=(first, last))),
    )
    rows = own.select_related("migrant").order_by("next_review_on", "pk")
    steps = overdue_steps(
        Step.objects.filter(goal__agreement__in=Agreement.objects.visible_to(user)), today
    ).filter(goal__agreement__counsellor=user)
    return {
        "today": today,
        "reviews_overdue": list(rows.filter(next_review_on__lt=first)[:HOME_LIST_LIMIT]),
        "reviews_overdue_count": counts["overdue"],
        "reviews_due_soon": list(
            rows.filter(next_review_on__range=(first, last))[:HOME_LIST_LIMIT]
        ),
        "reviews_due_soon_count": counts["due_soon"],
        "steps_overdue": list(
            steps.select_related("goal__agreement__migrant", "partner").order_by(
                "current_due", "pk"
            )[:HOME_LIST_LIMIT]
        ),
        "steps_overdue_count": steps.count(),
        "due_soon_days": DUE_SOON_DAYS,
    }


@dataclass
class Digest:
    """What one counsellor is reminded of on one day."""

    user: User
    reviews_overdue: list[Agreement] = field(default_factory=list)
    reviews_due_soon: list[Agreement] = field(default_factory=list)
    steps_overdue: list[Step] = field(default_factory=list)
    appointments: list[CounsellingSession] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return (
            len(self.reviews_overdue)
            + len(self.reviews_due_soon)
            + len(self.steps_overdue)
            + len(self.appointments)
        )


def still_member(counsellor_path: str, centre_path: str) -> Exists:
    """The item's counsellor still belongs to its centre (given as lookup paths)."""
    # A counsellor who left a centre is not reminded of its cases (and could not open them).
    return Exists(
        Membership.objects.filter(user=OuterRef(counsellor_path), centre=OuterRef(centre_path))
    )


def reminder_digests(*, today: datetime.date, batch_size: int = 500) -> Iterable[Digest]:
    """Yield one digest per active counsellor with an e-mail address who has something due
    and has not had today's digest yet.

    Works in batches of counsellors with three queries each, so a national run does not
    hold every open item in memory at once.
    """
    first, last = due_window(today)
    agreements = reviewable(Agreement.objects.all()).filter(
        still_member("counsellor", "centre"), next_review_on__lte=last
    )
    steps = overdue_steps(Step.objects.all(), today).filter(
        still_member("goal__agreement__counsellor", "goal__agreement__centre")
    )
    # A range on the column itself (not __date), so an index on it can serve the query.
    day_starts = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    appointments = CounsellingSession.objects.filter(
        still_member("counsellor", "migrant__centre"),
        next_appointment__gte=day_starts,
        next_appointment__lt=day_starts + datetime.timedelta(days=1),
    )
    candidates = (
        set(agreements.values_list("counsellor_id", flat=True).distinct())
        | set(steps.values_list("goal__agreement__counsellor_id", flat=True).distinct())
        | set(appointments.values_list("counsellor_id", flat=True).distinct())
    )
    already = set(
        ReminderDigest.objects.filter(kind=DigestKind.REMINDER, sent_on=today).values_list(
            "user_id", flat=True
        )
    )
    ids = sorted(candidates - already)
    for start in range(0, len(ids), batch_size):
        users = {
            user.pk: user
            for user in User.objects.filter(pk__in=ids[start : start + batch_size], is_active=True)
            .exclude(email="")
            .order_by("pk")
        }
        digests = {pk: Digest(user=user) for pk, user in users.items()}
        for agreement in (
            agreements.filter(counsellor_id__in=users)
            .select_related("migrant")
            .only("number", "version", "next_review_on", "counsellor_id", "migrant__case_number")
            .order_by("next_review_on", "pk")
        ):
            digest = digests[agreement.counsellor_id]
            if agreement.next_review_on < first:
                digest.reviews_overdue.append(agreement)
            else:
                digest.reviews_due_soon.append(agreement)
        for step in (
            steps.filter(goal__agreement__counsellor_id__in=users)
            .select_related("goal__agreement")
            .order_by("current_due", "pk")
        ):
            digests[step.goal.agreement.counsellor_id].steps_overdue.append(step)
        for session in (
            appointments.filter(counsellor_id__in=users)
            .select_related("migrant")
            .only("next_appointment", "counsellor_id", "migrant__case_number")
            .order_by("next_appointment", "pk")
        ):
            digests[session.counsellor_id].appointments.append(session)
        for digest in digests.values():
            if digest.item_count:
                yield digest


def _section(title: str, items: list, line) -> dict:
    return {
        "title": title,
        "lines": [line(item) for item in items[:DIGEST_LIST_LIMIT]],
        "more": max(len(items) - DIGEST_LIST_LIMIT, 0),
    }


def _digest_sections(digest: Digest) -> list[dict]:
    def review_line(agreement: Agreement) -> tuple[str, str]:
        text = _("%(number)s, due on %(day)s") % {
            "number": agreement.number,
            "day": agreement.next_review_on.strftime("%d.%m.%Y"),
        }
        return text, reverse("agreements:review-add", args=[agreement.pk])

    def step_line(step: Step) -> tuple[str, str]:
        text = _("%(number)s: step due on %(day)s (who: %(who)s)") % {
            "number": step.goal.agreement.number,
            "who": step.get_responsible_display(),
            "day": step.current_due_on.strftime("%d.%m.%Y"),
        }
        return text, step.get_absolute_url()

    def appointment_line(session: CounsellingSession) -> tuple[str, str]:
        text = _("%(time)s, case %(number)s") % {
            "time": timezone.localtime(session.next_appointment).strftime("%H:%M"),
            "number": session.migrant.case_number,
        }
        return text, reverse("integration:migrant-detail", args=[session.migrant_id])

    sections = [
        (_("Appointments today"), digest.appointments, appointment_line),
        (_("Reviews overdue"), digest.reviews_overdue, review_line),
        (
            _("Reviews due within %(days)s days") % {"days": DUE_SOON_DAYS},
            digest.reviews_due_soon,
            review_line,
        ),
        (_("Steps past their due date"), digest.steps_overdue, step_line),
    ]
    return [_section(title, items, line) for title, items, line in sections if items]


def render_digest(digest: Digest, *, today: datetime.date, base_url: str) -> EmailMessage:
    """The e-mail for one digest, in the site's language (German unless configured).

    E-mail leaves our systems: it names no person and carries no free text, only case
    and agreement numbers, dates and links into the application.
    """
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "digest": digest,
            "today": today,
            "base_url": base_url.rstrip("/"),
            "sections": _digest_sections(digest),
        }
        subject = render_to_string("agreements/email/reminder_digest_subject.txt", context)
        body = render_to_string("agreements/email/reminder_digest.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[digest.user.email])


def send_reminders(*, today: datetime.date | None = None, base_url: str = "") -> int:
    """Send today's digests; returns how many went out. Safe to run again the same day.

    The day's ReminderDigest row and the e-mail go together: if sending fails the row is
    rolled back and the next run tries again; once the row exists, nobody gets a second
    copy.
    """
    today = today or timezone.localdate()
    sent = 0
    for digest in reminder_digests(today=today):
        with transaction.atomic():
            _row, created = ReminderDigest.objects.get_or_create(
                user=digest.user,
                kind=DigestKind.REMINDER,
                sent_on=today,
                defaults={"item_count": digest.item_count},
            )
            if not created:
                continue
            render_digest(digest, today=today, base_url=base_url).send()
        sent += 1
    return sent
