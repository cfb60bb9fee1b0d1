"""A signed version's life until it ends or is amended: progress between reviews, and the
reviews that take stock of every goal and step, with the client's own view.

What moves on here follows the lifecycle service's rule (`apply_step_progress`): a step's
status changes on a day after the signature and not after today, with a short note; a
step is postponed to a day after that day and after the date agreed, but not after the
next review, and a review agrees on new dates up to the review after it. Each change is a
history row at its moment, by the counsellor, worded as the service words it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import translation

from agreements.enums import StepStatus
from agreements.models import Agreement, Goal, GoalOutcome, Review, Step, StepOutcome
from agreements.services.lifecycle import progress_reason
from integration.datagen import pools
from integration.datagen.tables import COLUMNS, Chunk, col

# Working hours in UTC (about 8:00 to 17:00 in Germany), one entry per minute.
TIMES = [datetime.time(h, m, tzinfo=datetime.UTC) for h in range(7, 16) for m in range(60)]
GOAL_TO_STATUS = {
    "achieved": "achieved",
    "partly": "partly",
    "in_progress": "in_progress",
    "not_achieved": "not_achieved",
    "dropped": "dropped",
}
SETTLED_GOAL = {"achieved", "dropped", "not_achieved"}
SETTLED_STEP = {"done", "cancelled"}
# Older versions keep their first reviews only (volume); the running one keeps all, or the
# dashboard would show every long agreement as overdue.
MAX_REVIEWS_PER_VERSION = 4
MAX_REVIEWS_RUNNING = 12
# What becomes of a step still to do in one review interval (since the last review, these
# shares shrink with the part of the interval that has passed): done, in progress (from
# open only), postponed (when its date can move before the next review), cancelled.
P_DONE, P_STARTED, P_POSTPONED, P_CANCELLED = 0.35, 0.25, 0.10, 0.02
# A review finds a step past its date and agrees on a new one (the others stay overdue).
P_REVIEW_POSTPONES = 0.5
# Reviews the client took part in where they answered the questions on the review sheet.
P_CLIENT_ANSWERS = 0.75

A = {name: index for index, name in enumerate(COLUMNS[Agreement])}
G_STATUS = col(Goal, "status")
S_RESPONSIBLE, S_DUE = col(Step, "responsible"), col(Step, "due_on")
S_STATUS, S_ON = col(Step, "status"), col(Step, "status_on")
S_NOTE, S_POSTPONED = col(Step, "progress_note"), col(Step, "postponed_to")
S_REVISION = col(Step, "revision")


class _Progress:
    """What `progress_reason` reads of a step, without a model instance."""

    __slots__ = ("postponed_to", "status", "status_on")

    def __init__(self, status: str, status_on, postponed_to):
        self.status, self.status_on, self.postponed_to = status, status_on, postponed_to

    def get_status_display(self) -> str:
        return StepStatus(self.status).label


STAND_IN = datetime.date(1999, 12, 31)
STAND_IN_TEXT = "31.12.1999"


def _reason_template(status: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        text = progress_reason(_Progress(status, STAND_IN, STAND_IN))
    return text if text.count(STAND_IN_TEXT) == 1 else ""


class ReviewsMixin:
    """Part of PeopleGenerator: expects `rng`, `ids`, `specs`, `hurdles` and `_reasons`."""

    def _reason(self, step: list) -> str:
        """The history's wording of a step's progress, as the service writes it (German,
        the language counsellors work in): worded once per status with a stand-in day,
        which is then replaced (worded per step if the day does not show as a stand-in)."""
        status = step[S_STATUS]
        day = step[S_POSTPONED] if status == "postponed" else step[S_ON]
        template = self._reasons.get(status)
        if template is None:
            template = self._reasons[status] = _reason_template(status)
        if template:
            return template.replace(STAND_IN_TEXT, day.strftime("%d.%m.%Y"))
        with translation.override(settings.LANGUAGE_CODE):
            return progress_reason(_Progress(status, step[S_ON], step[S_POSTPONED]))

    def _note(self, step: list, status: str) -> str:
        if step[S_RESPONSIBLE] == "partner" and self.rng.random() < 0.6:
            notes = pools.PARTNER_PROGRESS_NOTES[status]
        else:
            notes = pools.PROGRESS_NOTES[status]
        return notes[int(self.rng.random() * len(notes))]

    def _move_step(
        self,
        history: list,
        step: list,
        *,
        status: str,
        day_ord: int,
        note: str,
        when: datetime.datetime,
        user_id: int,
        postponed_to: datetime.date | None = None,
    ) -> None:
        step[S_STATUS] = status
        step[S_ON] = datetime.date.fromordinal(day_ord)
        step[S_NOTE] = note
        if status == "postponed":  # anything else keeps the date it had
            step[S_POSTPONED] = postponed_to
        step[S_REVISION] += 1
        history.append(self.specs[Step].history_row(step, when, "~", user_id, self._reason(step)))

    def _postponement(self, step: list, day_ord: int, limit_ord: int | None) -> int | None:
        """A new date after the recording day, the date agreed and any earlier new date,
        not after `limit_ord` (the next review); None if there is no such day."""
        if limit_ord is None:
            return None
        low = max(day_ord, step[S_DUE].toordinal())
        if step[S_POSTPONED] is not None:
            low = max(low, step[S_POSTPONED].toordinal())
        low += 1
        if low > limit_ord:
            return None
        return low + int(self.rng.random() * (limit_ord - low + 1))

    def _progress(
        self,
        out: Chunk,
        goals: list,
        *,
        first_ord: int,
        last_ord: int,
        limit_ord: int | None,
        share: float,
        user_id: int,
        at,
    ) -> list[list]:
        """Progress recorded between `first_ord` and `last_ord` (days, inclusive) on the
        steps of goals still open; returns the steps that moved."""
        rand = self.rng.random
        history = out.history[Step]
        done = P_DONE * share
        started = done + P_STARTED * share
        postponed = started + P_POSTPONED * share
        cancelled = postponed + P_CANCELLED * share
        moved = []
        for goal, steps in goals:
            if goal[G_STATUS] in SETTLED_GOAL:
                continue
            for step in steps:
                status = step[S_STATUS]
                if status in SETTLED_STEP:
                    continue
                roll = rand()
                if roll >= cancelled:
                    continue
                since = step[S_ON].toordinal() + 1 if step[S_ON] else first_ord
                low = max(first_ord, since)
                if low > last_ord:
                    continue
                day = low + int(rand() * (last_ord - low + 1))
                target = None
                if roll < done:
                    new = "done"
                elif roll < started:
                    if status != "open":
                        continue
                    new = "in_progress"
                elif roll < postponed:
                    new = "postponed"
                    target = self._postponement(step, day, limit_ord)
                    if target is None:
                        continue
                else:
                    new = "cancelled"
                self._move_step(
                    history,
                    step,
                    status=new,
                    day_ord=day,
                    note=self._note(step, new),
                    when=at(day),
                    user_id=user_id,
                    postponed_to=datetime.date.fromordinal(target) if target else None,
                )
                moved.append(step)
        return moved

    def _showcase_progress(
        self, out: Chunk, goals: list, moved: list, *, day_ord: int, limit_ord, user_id, at
    ) -> None:
        """The tour's running version shows each kind of progress since its last review: a
        step postponed (to before the next review), one in progress, one done."""
        free = [
            step
            for goal, steps in goals
            if goal[G_STATUS] not in SETTLED_GOAL
            for step in steps
            if step[S_STATUS] not in SETTLED_STEP and step not in moved
        ]
        for status in ("postponed", "in_progress", "done"):
            if any(step[S_STATUS] == status for step in moved):
                continue
            for step in free:
                target = self._postponement(step, day_ord, limit_ord)
                if status == "postponed" and target is None:
                    continue
                if status == "in_progress" and step[S_STATUS] != "open":
                    continue
                free.remove(step)
                self._move_step(
                    out.history[Step],
                    step,
                    status=status,
                    day_ord=day_ord,
                    note=pools.PROGRESS_NOTES[status][0],
                    when=at(day_ord),
                    user_id=user_id,
                    postponed_to=datetime.date.fromordinal(target)
                    if status == "postponed"
                    else None,
                )
                break

    def _reviews(
        self,
        out: Chunk,
        *,
        row: list,
        goals: list,
        change,
        signed_ord: int,
        period_end: int,
        final: bool,
        interval_days: int,
        counsellor_id: int,
        interpreter_needed: bool,
        partner_id: int | None,
        today_ord: int,
        show: bool = False,
    ) -> None:
        """The reviews of one signed version up to `period_end` (its amendment, the end of
        the case, or today), the progress before each and since the last."""
        rng = self.rng
        rand = rng.random
        fromord = datetime.date.fromordinal
        combine = datetime.datetime.combine
        ntimes = len(TIMES)
        rows, history = out.rows, out.history
        gspec = self.specs[Goal]
        r_ids, o_ids, so_ids = self.ids[Review], self.ids[GoalOutcome], self.ids[StepOutcome]

        def at(day_ord: int) -> datetime.datetime:
            return combine(fromord(day_ord), TIMES[int(rand() * ntimes)])

        def pick(seq):
            return seq[int(rand() * len(seq))]

        # The tour moves at half the pace, so that its running version has steps to do.
        pace = 0.5 if show else 1.0
        dates = []
        due = signed_ord + interval_days
        running = not final and period_end == today_ord
        while len(dates) < (MAX_REVIEWS_RUNNING if running else MAX_REVIEWS_PER_VERSION):
            held = due + int(rand() * 28) - 7
            if held >= period_end - (1 if final else 0):
                break
            dates.append((due, held))
            due = held + interval_days
        # Some active agreements have missed their last review: overdue on the dashboard.
        # Not the tour's: it shows steps postponed up to a review ahead.
        if running and dates and rand() < 0.15 and not show:
            dates.pop()
        elif running and show and today_ord - 30 < due <= today_ord:
            dates.append((due, min(due, today_ord - 1)))
        if final:
            dates.append((min(due, period_end), period_end))
        previous_ord = signed_ord
        for number, (due_ord, held_ord) in enumerate(dates, start=1):
            is_final = final and number == len(dates)
            self._progress(
                out,
                goals,
                first_ord=previous_ord + 1,
                last_ord=held_ord - 1,
                limit_ord=due_ord,
                share=pace,
                user_id=counsellor_id,
                at=at,
            )
            held_at = at(held_ord)
            review_id = r_ids.take()
            hurdle, categories = pick(self.hurdles)
            next_ord = None if is_final else held_ord + interval_days
            next_review = None if next_ord is None else fromord(next_ord)
            # The client's view, asked on the review sheet; not everyone answers.
            present = rand() < 0.95 or show
            rating, helpful, wish = None, "", ""
            if present and (rand() < P_CLIENT_ANSWERS or show):
                rating = pick(pools.CLIENT_RATINGS)
                helpful = pick(pools.CLIENT_MOST_HELPFUL) if rand() < 0.8 or show else ""
                wish = pick(pools.CLIENT_WISHES) if rand() < 0.5 or show else ""
            rows[Review].append(
                (
                    review_id,
                    row[A["id"]],
                    fromord(held_ord),
                    fromord(due_ord),
                    present,
                    True,
                    interpreter_needed,
                    partner_id if rand() < 0.1 else None,
                    pick(pools.SUCCESSES),
                    hurdle,
                    categories,
                    pick(pools.REVIEW_CHANGES),
                    next_review,
                    is_final,
                    rating,
                    helpful,
                    wish,
                    None,  # submission key: only the form posts one
                    counsellor_id,
                    held_at,
                )
            )
            for goal, steps in goals:
                status = goal[G_STATUS]
                if status in SETTLED_GOAL:
                    continue  # a goal reached or dropped is not assessed again
                outcome = self._goal_outcome(steps, number=number, is_final=is_final, show=show)
                rows[GoalOutcome].append((o_ids.take(), review_id, goal[0], outcome, ""))
                new_status = GOAL_TO_STATUS[outcome]
                if new_status != status:
                    goal[G_STATUS] = new_status
                    history[Goal].append(gspec.history_row(goal, held_at, "~", counsellor_id))
                for step in steps:
                    self._take_stock(
                        history[Step],
                        step,
                        outcome=outcome,
                        is_final=is_final,
                        held_ord=held_ord,
                        next_ord=next_ord,
                        held_at=held_at,
                        user_id=counsellor_id,
                    )
                    step_status = step[S_STATUS]
                    rows[StepOutcome].append(
                        (
                            so_ids.take(),
                            review_id,
                            step[0],
                            step_status,
                            pick(pools.STEP_OUTCOME_COMMENTS[step_status]),
                            step[S_POSTPONED] if step_status == "postponed" else None,
                        )
                    )
            row[A["next_review_on"]] = next_review
            change(row, held_at + datetime.timedelta(minutes=5))
            previous_ord = held_ord
        if final:
            return
        # Progress since the last review: up to today, or to the day before the amendment
        # that copies the steps as they are then.
        last_ord = period_end if running else period_end - 1
        next_review = row[A["next_review_on"]]
        limit_ord = next_review.toordinal() if next_review else None
        moved = self._progress(
            out,
            goals,
            first_ord=previous_ord + 1,
            last_ord=last_ord,
            limit_ord=limit_ord,
            share=pace * min(1.0, max(0, last_ord - previous_ord) / interval_days),
            user_id=counsellor_id,
            at=at,
        )
        if show and running:
            self._showcase_progress(
                out,
                goals,
                moved,
                day_ord=today_ord,
                limit_ord=limit_ord,
                user_id=counsellor_id,
                at=at,
            )

    def _goal_outcome(self, steps: list, *, number: int, is_final: bool, show: bool) -> str:
        rand = self.rng.random
        if is_final:
            outcomes = ("achieved", "achieved", "partly", "partly", "not_achieved")
            return outcomes[int(rand() * len(outcomes))]
        roll = rand()
        if show and any(step[S_STATUS] not in SETTLED_STEP for step in steps):
            return "in_progress"  # the tour's goals stay open while steps are to do
        if steps and all(step[S_STATUS] == "done" for step in steps):
            # Every step taken: most such goals are reached.
            return "achieved" if roll < 0.6 else "partly" if roll < 0.8 else "in_progress"
        if roll < 0.18 * number:
            return "achieved"
        if roll < 0.18 * number + 0.1:
            return "partly"
        if roll > 0.98:
            return "dropped"
        return "in_progress"

    def _take_stock(
        self,
        history: list,
        step: list,
        *,
        outcome: str,
        is_final: bool,
        held_ord: int,
        next_ord: int | None,
        held_at: datetime.datetime,
        user_id: int,
    ) -> None:
        """What the review makes of a step still to do: a goal reached settles its steps
        (mostly done), a goal given up or an agreement ending cancels them, a step past its
        date gets a new one up to the next review in half the cases."""
        status = step[S_STATUS]
        if status in SETTLED_STEP:
            return
        rand = self.rng.random
        move = {"day_ord": held_ord, "when": held_at, "user_id": user_id}
        if outcome == "achieved":
            new = "done" if rand() < 0.85 else "cancelled"
            self._move_step(history, step, status=new, note=self._note(step, new), **move)
        elif is_final:
            self._move_step(history, step, status="cancelled", note=pools.ENDED_STEP_NOTE, **move)
        elif outcome == "dropped":
            note = self._note(step, "cancelled")
            self._move_step(history, step, status="cancelled", note=note, **move)
        else:
            due = step[S_POSTPONED] or step[S_DUE]
            if due.toordinal() < held_ord and rand() < P_REVIEW_POSTPONES:
                target = self._postponement(step, held_ord, next_ord)
                if target is not None:
                    self._move_step(
                        history,
                        step,
                        status="postponed",
                        note=self._note(step, "postponed"),
                        postponed_to=datetime.date.fromordinal(target),
                        **move,
                    )
