"""The supervisors' escalation digest: beside the counsellors' reminders, the daily run
sends each supervisor one e-mail of their centres' reviews and steps overdue by more than
`ESCALATION_AFTER_DAYS`, grouped by counsellor.

E-mail leaves our systems, so like the counsellors' digest it names no person and carries
no free text: agreement numbers, dates and links only. A counsellor appears by their
number (the one the due lists filter by), not by name or initials: DESIGN.md makes no
exception for staff, and a named colleague's overdue work is data about that employee that
stays inside the application, where the links show the name to whom may see it.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from agreements.enums import DigestKind
from agreements.models import Agreement, ReminderDigest, Step
from agreements.services.reminders import overdue_steps, reviewable, still_member
from sites.enums import Role
from sites.models import Membership, User

# Per counsellor, the e-mail lists this many reviews and as many steps, and links to the
# rest: a supervisor of many centres gets a readable mail, and a batch holds at most this
# many rows per counsellor and centre, whatever the backlog.
ESCALATION_LIST_LIMIT = 10


def escalation_threshold(today: datetime.date) -> datetime.date:
    """Items due before this day are overdue by more than ESCALATION_AFTER_DAYS."""
    return today - datetime.timedelta(days=settings.ESCALATION_AFTER_DAYS)


def escalated_reviews(today: datetime.date) -> QuerySet[Agreement]:
    """Reviews overdue beyond the threshold, of counsellors still in the agreement's centre."""
    return reviewable(Agreement.objects.all()).filter(
        still_member("counsellor", "centre"), next_review_on__lt=escalation_threshold(today)
    )


def escalated_steps(today: datetime.date) -> QuerySet[Step]:
    """Steps overdue beyond the threshold by their current due date (postponed or agreed),
    of counsellors still in the agreement's centre."""
    return overdue_steps(Step.objects.all(), today).filter(
        still_member("goal__agreement__counsellor", "goal__agreement__centre"),
        current_due__lt=escalation_threshold(today),
    )


@dataclass
class CounsellorItems:
    """One counsellor's escalated items: the first few of each kind and how many in all."""

    counsellor_id: int
    reviews: list[Agreement] = field(default_factory=list)
    reviews_total: int = 0
    steps: list[Step] = field(default_factory=list)
    steps_total: int = 0

    @property
    def item_count(self) -> int:
        return self.reviews_total + self.steps_total

    def add(self, other: CounsellorItems) -> None:
        self.reviews += other.reviews
        self.reviews_total += other.reviews_total
        self.steps += other.steps
        self.steps_total += other.steps_total

    def cut(self) -> None:
        # Merged from several centres: keep the most overdue, as each centre's rows were.
        self.reviews.sort(key=lambda agreement: (agreement.next_review_on, agreement.pk))
        self.steps.sort(key=lambda step: (step.current_due_on, step.pk))
        del self.reviews[ESCALATION_LIST_LIMIT:]
        del self.steps[ESCALATION_LIST_LIMIT:]


@dataclass
class Escalation:
    """What one supervisor is told on one day: their team's items, by counsellor."""

    user: User
    counsellors: list[CounsellorItems]

    @property
    def item_count(self) -> int:
        return sum(items.item_count for items in self.counsellors)


def _first_per_counsellor(queryset: QuerySet, *, centre: str, counsellor: str, order) -> QuerySet:
    # Each (centre, counsellor)'s first rows and their total, in one query for the batch.
    partition = [F(centre), F(counsellor)]
    return (
        queryset.order_by()
        .annotate(
            rank=Window(RowNumber(), partition_by=partition, order_by=[*order, F("pk").asc()]),
            total=Window(Count("pk"), partition_by=partition),
        )
        .filter(rank__lte=ESCALATION_LIST_LIMIT)
    )


def escalation_digests(*, today: datetime.date, batch_size: int = 200) -> Iterable[Escalation]:
    """Yield one escalation per active supervisor with an e-mail address whose centres have
    items over the threshold and who has not had today's escalation yet.

    Four queries per batch of supervisors (the users, their centres, the reviews, the
    steps), however many supervisors, centres and items: rows come per counsellor and
    centre, the first ESCALATION_LIST_LIMIT of each with their total.
    """
    reviews = escalated_reviews(today)
    steps = escalated_steps(today)
    already = ReminderDigest.objects.filter(kind=DigestKind.ESCALATION, sent_on=today)
    ids = list(
        Membership.objects.filter(
            Exists(reviews.filter(centre=OuterRef("centre")))
            | Exists(steps.filter(goal__agreement__centre=OuterRef("centre"))),
            role=Role.SUPERVISOR,
            user__is_active=True,
        )
        .exclude(user__email="")
        .exclude(user__in=already.values("user_id"))
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    for start in range(0, len(ids), batch_size):
        yield from _batch(ids[start : start + batch_size], reviews=reviews, steps=steps)


def _batch(ids: list[int], *, reviews: QuerySet, steps: QuerySet) -> Iterable[Escalation]:
    users = {user.pk: user for user in User.objects.filter(pk__in=ids).order_by("pk")}
    centres_of = defaultdict(list)
    for user_id, centre_id in Membership.objects.filter(
        user_id__in=users, role=Role.SUPERVISOR
    ).values_list("user_id", "centre_id"):
        centres_of[user_id].append(centre_id)
    centre_ids = sorted({pk for pks in centres_of.values() for pk in pks})
    # centre -> counsellor -> that counsellor's items in that centre
    found: dict[int, dict[int, CounsellorItems]] = defaultdict(dict)

    def items_of(centre_id: int, counsellor_id: int) -> CounsellorItems:
        return found[centre_id].setdefault(counsellor_id, CounsellorItems(counsellor_id))

    for agreement in _first_per_counsellor(
        reviews.filter(centre_id__in=centre_ids).only(
            "number", "next_review_on", "centre_id", "counsellor_id"
        ),
        centre="centre_id",
        counsellor="counsellor_id",
        order=[F("next_review_on").asc()],
    ):
        items = items_of(agreement.centre_id, agreement.counsellor_id)
        items.reviews.append(agreement)
        items.reviews_total = agreement.total
    for step in _first_per_counsellor(
        steps.filter(goal__agreement__centre_id__in=centre_ids)
        .select_related("goal__agreement")
        .annotate(
            centre_id=F("goal__agreement__centre_id"),
            counsellor_id=F("goal__agreement__counsellor_id"),
        )
        .only("responsible", "due_on", "postponed_to", "goal__agreement__number"),
        centre="goal__agreement__centre_id",
        counsellor="goal__agreement__counsellor_id",
        order=[F("current_due").asc()],
    ):
        items = items_of(step.centre_id, step.counsellor_id)
        items.steps.append(step)
        items.steps_total = step.total
    for pk, user in users.items():
        merged: dict[int, CounsellorItems] = {}
        for centre_id in centres_of[pk]:
            for counsellor_id, items in found.get(centre_id, {}).items():
                merged.setdefault(counsellor_id, CounsellorItems(counsellor_id)).add(items)
        for items in merged.values():
            items.cut()
        if merged:
            # Where most is overdue first: that is where the supervisor looks.
            groups = sorted(
                merged.values(), key=lambda items: (-items.item_count, items.counsellor_id)
            )
            yield Escalation(user=user, counsellors=groups)


def _days_overdue(due: datetime.date, today: datetime.date) -> int:
    return (today - due).days


def _group(items: CounsellorItems, *, today: datetime.date) -> dict:
    def review_line(agreement: Agreement) -> tuple[str, str]:
        days = _days_overdue(agreement.next_review_on, today)
        text = ngettext(
            "%(number)s, due on %(day)s (%(days)s day overdue)",
            "%(number)s, due on %(day)s (%(days)s days overdue)",
            days,
        ) % {
            "number": agreement.number,
            "day": agreement.next_review_on.strftime("%d.%m.%Y"),
            "days": days,
        }
        return text, agreement.get_absolute_url()

    def step_line(step: Step) -> tuple[str, str]:
        days = _days_overdue(step.current_due_on, today)
        text = ngettext(
            "%(number)s: step due on %(day)s (%(days)s day overdue, who: %(who)s)",
            "%(number)s: step due on %(day)s (%(days)s days overdue, who: %(who)s)",
            days,
        ) % {
            "number": step.goal.agreement.number,
            "day": step.current_due_on.strftime("%d.%m.%Y"),
            "days": days,
            "who": step.get_responsible_display(),
        }
        return text, step.get_absolute_url()

    counsellor = {"counsellor": items.counsellor_id}
    sections = [
        {
            "title": _("Reviews overdue: %(count)s") % {"count": items.reviews_total},
            "lines": [review_line(agreement) for agreement in items.reviews],
            "more": items.reviews_total - len(items.reviews),
            "all_label": _("All their overdue reviews:"),
            "all_url": reverse("agreements:reviews-due")
            + "?"
            + urlencode({"state": "overdue", **counsellor}),
        },
        {
            "title": _("Steps past their due date: %(count)s") % {"count": items.steps_total},
            "lines": [step_line(step) for step in items.steps],
            "more": items.steps_total - len(items.steps),
            "all_label": _("All their overdue steps:"),
            "all_url": reverse("agreements:steps-due") + "?" + urlencode(counsellor),
        },
    ]
    heading = ngettext(
        "Counsellor no. %(number)s: %(count)s item",
        "Counsellor no. %(number)s: %(count)s items",
        items.item_count,
    ) % {"number": items.counsellor_id, "count": items.item_count}
    return {"heading": heading, "sections": [section for section in sections if section["lines"]]}


def render_escalation(
    escalation: Escalation, *, today: datetime.date, base_url: str
) -> EmailMessage:
    """The e-mail for one supervisor, in the site's language; names no one (see above)."""
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "escalation": escalation,
            "today": today,
            "after_days": settings.ESCALATION_AFTER_DAYS,
            "base_url": base_url.rstrip("/"),
            "groups": [_group(items, today=today) for items in escalation.counsellors],
        }
        subject = render_to_string("agreements/email/escalation_digest_subject.txt", context)
        body = render_to_string("agreements/email/escalation_digest.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[escalation.user.email])


def send_escalations(*, today: datetime.date | None = None, base_url: str = "") -> int:
    """Send today's escalations to the supervisors; returns how many went out. Safe to run
    again the same day: the day's row (kind ESCALATION) and the e-mail go together, a
    failed send rolls the row back and the next run tries again."""
    today = today or timezone.localdate()
    sent = 0
    for escalation in escalation_digests(today=today):
        with transaction.atomic():
            _row, created = ReminderDigest.objects.get_or_create(
                user=escalation.user,
                kind=DigestKind.ESCALATION,
                sent_on=today,
                defaults={"item_count": escalation.item_count},
            )
            if not created:
                continue
            render_escalation(escalation, today=today, base_url=base_url).send()
        sent += 1
    return sent
