"""Agreements of one person: versions, goals, steps, reviews and their history rows.

Played through in date order like the rest of a file: a draft, its signature, reviews that
move goals and steps on, amendments that copy every goal and step (with its key) into the
next version, and the end with the case.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from agreements.models import Agreement, Goal, Step
from integration.datagen import pools
from integration.datagen.reviews import TIMES, ReviewsMixin
from integration.datagen.tables import COLUMNS, Chunk, col
from people.models import Migrant
from sites.enums import Area

YEAR_DAYS = 365.25
DOCUMENT_LANGUAGES = {"en", "ar", "tr", "ru", "uk", "fa"}
LEVEL_TEXT = {
    "none": "Keine Deutschkenntnisse",
    "A1": "Deutsch A1",
    "A2": "Deutsch A2",
    "B1": "Deutsch B1",
    "B2": "Deutsch B2",
    "C1": "Deutsch C1",
    "C2": "Deutsch C2",
}
RESIDENCE_TEXT = {
    "eu": "EU-Bürger/in, Freizügigkeit",
    "settlement": "Niederlassungserlaubnis",
    "permit": "Aufenthaltserlaubnis",
    "toleration": "Duldung",
    "asylum": "Aufenthaltsgestattung, Asylverfahren läuft",
    "naturalised": "Eingebürgert",
    "other": "Sonstiger Aufenthaltsstatus",
}
WORK_TEXT = {
    "unemployed": "Nicht erwerbstätig",
    "employed": "Sozialversicherungspflichtig beschäftigt",
    "marginal": "Minijob",
    "self_employed": "Selbstständig",
    "training": "In Ausbildung",
    "school": "Schule oder Studium",
    "course": "Im Integrationskurs",
    "parental_leave": "In Elternzeit",
    "other": "Sonstiges",
}

A = {name: index for index, name in enumerate(COLUMNS[Agreement])}
M_CASE_NUMBER, M_LANGUAGE = col(Migrant, "case_number"), col(Migrant, "preferred_language")
M_LEVEL, M_SCHOOLING = col(Migrant, "german_level"), col(Migrant, "schooling_years")
M_RESIDENCE = col(Migrant, "residence_status")
M_VALID_UNTIL = col(Migrant, "residence_valid_until")
M_EMPLOYMENT = col(Migrant, "employment")
G_STATUS, G_TARGET, G_AREA = col(Goal, "status"), col(Goal, "target_date"), col(Goal, "area")
S_REVISION = col(Step, "revision")


@dataclass(frozen=True)
class Showcase:
    """What one person's file shows on purpose, so the demo's tour and tests find it: an
    open case whose agreement has `versions` signed versions (each amendment adds a goal,
    with its reason), every goal in the person's own words, a referral to an offer, the
    agreement printed beside German in `language`, a named professional interpreter."""

    versions: int = 1
    language: str = ""
    interpreter: bool = False


class AgreementsMixin(ReviewsMixin):
    """Part of PeopleGenerator: expects `rng`, `ids`, `specs` and `today`."""

    def _agreements(
        self,
        out: Chunk,
        *,
        migrant: list,
        centre,
        counsellor_id: int,
        intake_ord: int,
        end_ord: int,
        closed: bool,
        candidates: list,
        consent_by_partner: dict,
        interpreter_needed: bool,
        interpreter_name: str,
        show: Showcase | None,
        n_children: int,
        n_quals: int,
    ) -> datetime.datetime:
        """Writes the person's agreement versions; returns the time of the last change."""
        rng = self.rng
        rand = rng.random
        fromord = datetime.date.fromordinal
        combine = datetime.datetime.combine
        ntimes = len(TIMES)
        today_ord = self.today.toordinal()
        rows, history = out.rows, out.history
        aspec, gspec, sspec = self.specs[Agreement], self.specs[Goal], self.specs[Step]

        def at(day_ord: int) -> datetime.datetime:
            return combine(fromord(day_ord), TIMES[int(rand() * ntimes)])

        def pick(seq):
            return seq[int(rand() * len(seq))]

        def new_key() -> uuid.UUID:
            return uuid.UUID(int=rng.getrandbits(128), version=4)

        migrant_id = migrant[0]
        number = f"{migrant[M_CASE_NUMBER]}-IV"
        interval = pick((2, 3, 3, 3, 3, 4, 6))
        if show:  # reviews on the tour's running version, the last one not long ago
            interval = 3
        interval_days = int(interval * 30.4)
        language = migrant[M_LANGUAGE]
        level = migrant[M_LEVEL]
        valid_until = migrant[M_VALID_UNTIL]
        situation = [
            f"{LEVEL_TEXT.get(level, level)}."
            + (" Integrationskurs begonnen." if rand() < 0.5 else ""),
            f"{migrant[M_SCHOOLING] or 'Wenige'} Schuljahre"
            + (f", {n_quals} ausländische Berufsabschlüsse." if n_quals else "."),
            RESIDENCE_TEXT.get(migrant[M_RESIDENCE], "")
            + (f", gültig bis {valid_until:%d.%m.%Y}." if valid_until else "."),
            f"{n_children} Kinder." if n_children else "Keine Kinder.",
            WORK_TEXT.get(migrant[M_EMPLOYMENT], "") + ".",
            pick(pools.STRENGTHS),
        ]

        def snapshot(row: list, when: datetime.datetime, kind: str) -> None:
            row[A["updated_at"]] = when
            history[Agreement].append(aspec.history_row(row, when, kind, counsellor_id))

        def change(row: list, when: datetime.datetime) -> None:
            row[A["revision"]] += 1
            snapshot(row, when, "~")

        def end(row: list, status: str) -> None:
            row[A["status"]] = status
            row[A["ended_on"]] = fromord(end_ord)
            row[A["closure_reason"]] = pick(pools.ENDING_REASONS[status])
            row[A["next_review_on"]] = None
            ended, last = at(end_ord), row[A["updated_at"]]
            change(row, ended if ended > last else last + datetime.timedelta(minutes=10))

        def make_steps(
            goal_id: int, area: str, steps_pool: list, created: datetime.datetime, base_ord: int
        ) -> list:
            made = []
            count = min(len(steps_pool), pick((1, 1, 2, 2, 2, 3)))
            if show:
                count = len(steps_pool)
            for position, (text, responsible, kind) in enumerate(steps_pool[:count]):
                partner_id = centre.partners.get(kind) if responsible == "partner" else None
                if responsible == "partner" and partner_id is None:
                    responsible = "counsellor"
                row = [
                    self.ids[Step].take(),
                    goal_id,
                    new_key(),
                    text,
                    responsible,
                    partner_id,
                    centre.offers.get((partner_id, area)) if partner_id else None,
                    consent_by_partner.get(partner_id) if partner_id else None,
                    fromord(base_ord + 14 + int(rand() * 170)),
                    "open",
                    None,
                    "",  # progress note
                    None,  # postponed to
                    position,
                    1,  # revision
                ]
                history[Step].append(sspec.history_row(row, created, "+", counsellor_id))
                made.append(row)
            return made

        def make_goal(
            agreement_id: int, area: str, position: int, created: datetime.datetime, base_ord: int
        ) -> tuple[list, list]:
            text, steps_pool = pick(pools.GOALS[area])
            if show:  # the catalogue goal with a referral, if the area has one
                text, steps_pool = next(
                    (goal for goal in pools.GOALS[area] if any(s[1] == "partner" for s in goal[1])),
                    (text, steps_pool),
                )
            own_words = pick(pools.OWN_WORDS[area])
            row = [
                self.ids[Goal].take(),
                agreement_id,
                new_key(),
                area,
                text,
                own_words if rand() < 0.5 or show else "",
                pick((1, 2, 2, 3)),
                fromord(base_ord + 90 + int(rand() * 270)),
                "open",
                position,
                1,  # revision
            ]
            history[Goal].append(gspec.history_row(row, created, "+", counsellor_id))
            return row, make_steps(row[0], area, steps_pool, created, base_ord)

        versions: list[tuple[list, list]] = []  # (agreement row, [(goal row, [step rows])])
        created_ord = intake_ord + 7 + int(rand() * 38)
        if show:
            created_ord = intake_ord + 7
        if created_ord >= end_ord - 1:
            created_ord = intake_ord + (end_ord - intake_ord) // 2
        version = 1
        predecessor: list | None = None
        while True:
            agreement_id = self.ids[Agreement].take()
            created = at(created_ord)
            row = [None] * len(aspec.columns)
            row[A["id"]] = agreement_id
            row[A["migrant_id"]] = migrant_id
            row[A["centre_id"]] = centre.id
            row[A["counsellor_id"]] = counsellor_id
            row[A["number"]] = number
            row[A["version"]] = version
            row[A["predecessor_id"]] = predecessor[A["id"]] if predecessor else None
            row[A["status"]] = "draft"
            (
                row[A["situation_language"]],
                row[A["situation_schooling"]],
                row[A["situation_residence"]],
                row[A["situation_family"]],
                row[A["situation_work"]],
                row[A["strengths"]],
            ) = situation
            row[A["review_interval_months"]] = interval
            row[A["document_language"]] = language if language in DOCUMENT_LANGUAGES else ""
            row[A["interpreter_present"]] = interpreter_needed
            row[A["interpreter_name"]] = interpreter_name if interpreter_needed else ""
            row[A["signed_place"]] = ""
            row[A["signed_by_migrant"]] = row[A["signed_by_counsellor"]] = False
            # The tour's amendments each add a goal in an area not yet agreed, for its reason.
            added = None
            if show and predecessor:
                used = {goal[G_AREA] for goal, _ in versions[-1][1]}
                added = next(item for item in pools.SHOWCASE_AMENDMENTS if item[0] not in used)
            if added:
                row[A["amendment_reason"]] = added[1]
            else:
                row[A["amendment_reason"]] = pick(pools.AMENDMENT_REASONS) if predecessor else ""
            row[A["closure_reason"]] = ""
            row[A["revision"]] = 1
            row[A["created_at"]] = created
            snapshot(row, created, "+")

            goals: list[tuple[list, list]] = []
            if predecessor is None:
                wanted = pick((2, 3, 3, 4, 4, 5))
                areas: list[str] = [Area.LANGUAGE] if show else []
                for _ in range(40):
                    area = pick(candidates)
                    if area not in areas:
                        areas.append(area)
                    if len(areas) == wanted:
                        break
                for position, area in enumerate(areas):
                    goals.append(make_goal(agreement_id, area, position, created, created_ord))
            else:
                # An amendment copies every goal and step with its key, so versions compare.
                previous_goals = versions[-1][1]
                drop = len(previous_goals) > 2 and rand() < 0.15 and not show
                for position, (goal, steps) in enumerate(previous_goals):
                    if drop and position == len(previous_goals) - 1:
                        continue
                    copy = list(goal)
                    copy[0] = self.ids[Goal].take()
                    copy[1] = agreement_id
                    if rand() < 0.3:
                        copy[G_TARGET] = fromord(copy[G_TARGET].toordinal() + 91)
                    history[Goal].append(gspec.history_row(copy, created, "+", counsellor_id))
                    copied_steps = []
                    for step in steps:
                        step_copy = list(step)
                        step_copy[0] = self.ids[Step].take()
                        step_copy[1] = copy[0]
                        step_copy[S_REVISION] = 1  # a new row, as the amendment service writes
                        history[Step].append(
                            sspec.history_row(step_copy, created, "+", counsellor_id)
                        )
                        copied_steps.append(step_copy)
                    goals.append((copy, copied_steps))
                if added:
                    goals.append(
                        make_goal(agreement_id, added[0], len(goals), created, created_ord)
                    )
                elif rand() < 0.35:
                    used = {goal[G_AREA] for goal, _ in goals}
                    area = pick(candidates)
                    if area not in used:
                        goals.append(
                            make_goal(agreement_id, area, len(goals), created, created_ord)
                        )
            versions.append((row, goals))

            # Signing (a few drafts are never signed, or are an amendment in progress).
            signed_ord = created_ord + 1 + int(rand() * 13)
            if predecessor is None:
                unsigned = signed_ord >= end_ord or rand() < 0.08
            else:
                # An amendment in progress: the previous version stays the active one.
                unsigned = not closed and rand() < 0.12
            if show:
                unsigned = False
            if unsigned:
                if closed:  # closing a case ends its draft unsigned, as the service does
                    end(row, "ended_early")
                break
            signed = at(signed_ord)
            row[A["status"]] = "active"
            row[A["signed_on"]] = fromord(signed_ord)
            row[A["signed_place"]] = centre.city
            row[A["signed_by_migrant"]] = row[A["signed_by_counsellor"]] = True
            row[A["valid_from"]] = fromord(signed_ord)
            row[A["valid_until"]] = fromord(signed_ord + 365)
            row[A["next_review_on"]] = fromord(signed_ord + interval_days)
            change(row, signed)
            if predecessor is not None:
                predecessor[A["status"]] = "superseded"
                change(predecessor, signed + datetime.timedelta(seconds=1))

            # Is there an amendment later on?
            amend_ord = signed_ord + 90 + int(rand() * 240)
            amend = version < 3 and amend_ord < end_ord - 15 and rand() < 0.25
            if show:
                # late enough that the running version is in mid-course
                amend_ord = signed_ord + 150 + int(rand() * 30)
                amend = version < show.versions and amend_ord < end_ord - 15
            period_end = amend_ord if amend else end_ord
            self._reviews(
                out,
                row=row,
                goals=goals,
                change=change,
                signed_ord=signed_ord,
                period_end=period_end,
                final=closed and not amend,
                interval_days=interval_days,
                counsellor_id=counsellor_id,
                interpreter_needed=interpreter_needed,
                partner_id=centre.partners.get("jobcenter"),
                today_ord=today_ord,
                show=show is not None,
            )
            if not amend:
                if closed:
                    achieved = sum(g[G_STATUS] in ("achieved", "partly") for g, _ in goals)
                    end(row, "completed" if achieved * 2 >= len(goals) else "ended_early")
                break
            predecessor = row
            version += 1
            created_ord = amend_ord

        for row, goals in versions:
            rows[Agreement].append(row)
            for goal, steps in goals:
                rows[Goal].append(goal)
                rows[Step].extend(steps)
        return max(row[A["updated_at"]] for row, _ in versions)
