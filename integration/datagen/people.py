"""The people and everything in their files, built as row tuples one chunk at a time.

Each person's file is played through in date order: intake, consents, sessions, the first
agreement (draft, then signed), reviews that move goals and steps, amendments that copy the
agreement into a new version, and the end of the case. Every change of a tracked object
appends a history row at that moment, so history and current rows agree by construction.
"""

from __future__ import annotations

import datetime
import json
import random

from agreements.models import Agreement, Goal, Step
from integration.datagen import places, pools
from integration.datagen.agreements import TIMES, YEAR_DAYS, AgreementsMixin, Showcase
from integration.datagen.sites import Country, ascii_letters
from integration.datagen.tables import COLUMNS, Chunk, TableSpec, col
from people.models import (
    Child,
    Consent,
    CounsellingSession,
    Migrant,
    Qualification,
    normalise_for_search,
)
from sites.enums import Area, ServiceType

HISTORY_YEARS = 5
SERVICE_AGES = {  # age at intake in years, per programme
    ServiceType.JMD: (14, 27),
    ServiceType.MBE: (27, 64),
}
A = {name: index for index, name in enumerate(COLUMNS[Agreement])}
M_STATUS, M_CLOSED_ON = col(Migrant, "status"), col(Migrant, "closed_on")
M_CLOSURE_REASON, M_CLOSURE_NOTE = col(Migrant, "closure_reason"), col(Migrant, "closure_note")
M_REVISION, M_UPDATED_AT = col(Migrant, "revision"), col(Migrant, "updated_at")
M_CASE_NUMBER, M_LANGUAGE = col(Migrant, "case_number"), col(Migrant, "preferred_language")
M_LEVEL, M_SCHOOLING = col(Migrant, "german_level"), col(Migrant, "schooling_years")
M_RESIDENCE = col(Migrant, "residence_status")
M_VALID_UNTIL = col(Migrant, "residence_valid_until")
M_EMPLOYMENT = col(Migrant, "employment")
C_WITHDRAWN = col(Consent, "withdrawn_on")
G_STATUS, G_TARGET, G_AREA = col(Goal, "status"), col(Goal, "target_date"), col(Goal, "area")
S_STATUS, S_DONE = col(Step, "status"), col(Step, "status_on")


def workday(day_ord: int, *, forward: bool = False) -> int:
    """The day itself, or for a weekend day the Friday before (the Monday after): centres
    counsel on working days."""
    weekday = (day_ord - 1) % 7  # date.fromordinal(1) is a Monday
    if weekday < 5:
        return day_ord
    return day_ord + 7 - weekday if forward else day_ord - weekday + 4


class IdRange:
    def __init__(self, start: int):
        self.next = start

    def take(self) -> int:
        value = self.next
        self.next += 1
        return value


class PeopleGenerator(AgreementsMixin):
    """Deterministic: the same seed, size, date and starting database give the same rows."""

    def __init__(
        self,
        *,
        rng: random.Random,
        country: Country,
        specs: dict[type, TableSpec],
        total: int,
        today: datetime.date,
        first_ids: dict[type, int],
        assignments: list[tuple[int, int]] | None = None,
        history_years: float = HISTORY_YEARS,
        showcase: dict[int, Showcase] | None = None,
    ):
        self.rng = rng
        self.country = country
        self.specs = specs
        self.total = total
        self.today = today
        self.ids = {model: IdRange(first_ids[model]) for model in specs}
        self.counsellors = country.counsellors
        # (counsellor id, centre index) per person, where the caseloads are fixed
        self.assignments = assignments
        # person index -> what that person's file shows on purpose (the demo's tour)
        self.showcase = showcase or {}
        self.case_numbers: dict[tuple[int, int], int] = {}
        self.start_ord = today.toordinal() - int(history_years * YEAR_DAYS)
        self.origins = [origin for origin in pools.ORIGINS for _ in range(origin[1])]
        self.hurdles = [(text, json.dumps(cats)) for text, cats in pools.HURDLES]
        self._topics: dict[tuple, str] = {}
        self._reasons: dict[str, str] = {}  # a step's progress in the history's words
        self._norm: dict[str, str] = {}
        # Names given in this run, as (centre, first, last, birth day) packed into one int,
        # so that no centre has two people of the same name and date of birth.
        self._name_ids: dict[str, int] = {}
        self._names_taken: set[int] = set()

    # --- small helpers ----------------------------------------------------------------

    def _normal(self, text: str) -> str:
        value = self._norm.get(text)
        if value is None:
            value = self._norm[text] = normalise_for_search(text)
        return value

    def _topics_json(self, areas: tuple) -> str:
        value = self._topics.get(areas)
        if value is None:
            value = self._topics[areas] = json.dumps(list(areas))
        return value

    def _unique_birth(self, centre_id: int, first: str, last: str, birth_ord: int) -> int:
        ids = self._name_ids
        person = (centre_id * 8192 + ids.setdefault(first, len(ids))) * 8192
        person = (person + ids.setdefault(last, len(ids))) * 1_048_576
        while person + birth_ord in self._names_taken:
            birth_ord -= 1
        self._names_taken.add(person + birth_ord)
        return birth_ord

    def next_case_number(self, centre_id: int, code: str, year: int) -> str:
        key = (centre_id, year)
        number = self.case_numbers.get(key, 0) + 1
        self.case_numbers[key] = number
        return f"{code}-{year}-{number:04d}"

    # --- one chunk --------------------------------------------------------------------

    def chunk(self, first_index: int, count: int) -> Chunk:
        out = Chunk()
        for model in self.specs:
            out.rows[model] = []
            out.history[model] = []
        starts = {model: ids.next for model, ids in self.ids.items()}
        for index in range(first_index, first_index + count):
            self._person(index, out)
        for model, ids in self.ids.items():
            if ids.next > starts[model]:
                out.ranges[model] = (starts[model], ids.next - 1)
        return out

    def _person(self, index: int, out: Chunk) -> None:
        rng = self.rng
        rand = rng.random
        today = self.today
        today_ord = today.toordinal()
        fromord = datetime.date.fromordinal
        combine = datetime.datetime.combine
        minutes = datetime.timedelta(minutes=1)
        ntimes = len(TIMES)

        def at(day: datetime.date) -> datetime.datetime:
            return combine(day, TIMES[int(rand() * ntimes)])

        def pick(seq):
            return seq[int(rand() * len(seq))]

        specs = self.specs
        rows, history = out.rows, out.history

        # --- the person ------------------------------------------------------------------
        span = today_ord - self.start_ord
        intake_ord = self.start_ord + int((index + rand()) * span / self.total)
        intake_ord = workday(min(intake_ord, today_ord))
        intake = fromord(intake_ord)
        if self.assignments:
            counsellor_id, centre_index = self.assignments[index]
        else:
            counsellor_id, centre_index = pick(self.counsellors)
        centre = self.country.centres[centre_index]
        show = self.showcase.get(index)
        origins = self.origins
        if show and show.language:
            origins = [origin for origin in origins if origin[2] == show.language]
        nationality, _, language, spoken, statuses, basis = pick(origins)
        names = pools.NAMES[language]
        if language in pools.NATIVE_NAMES and rand() < 0.1:
            names = pools.NATIVE_NAMES[language]
        female = rand() < 0.5
        # The family name in the form that agrees with the person's gender (Iwanowa/Iwanow).
        first_name, first_latin = pick(names.female if female else names.male)
        last_name, last_latin = pick(names.female_family if female else names.male_family)
        name_latin = ""
        if first_latin or last_latin:
            name_latin = f"{first_latin or first_name} {last_latin or last_name}"
        roll = rand()
        sex = "female" if female else "male"
        if roll < 0.01:
            sex = "diverse"
        elif roll < 0.03:
            sex = "not_stated"
        low, high = SERVICE_AGES.get(centre.service_type, (18, 64))
        age_days = int((low + rand() * (high - low + 1)) * YEAR_DAYS)
        birth_ord = self._unique_birth(centre.id, first_name, last_name, intake_ord - age_days)
        age_days = intake_ord - birth_ord
        arrival_on = None
        if rand() < 0.95:
            # People arrive before they first come to a centre.
            arrival_ord = intake_ord - 1 - int(rand() * rand() * 3000)
            arrival_on = fromord(max(arrival_ord, birth_ord + 1))
        level = pick(pools.GERMAN_LEVELS)
        interpreter_needed = level in ("none", "A1") and rand() < 0.6
        if show and show.interpreter:
            level, interpreter_needed = "A1", True
        residence = pick(statuses)
        issued = valid_until = None
        base_ord = (arrival_on or intake).toordinal()
        if residence == "settlement" and today_ord - base_ord < 3 * 365:
            residence = "permit"  # settlement comes after years of residence, not at arrival
        if residence == "settlement":
            issued = fromord(base_ord + 3 * 365 + int(rand() * (today_ord - base_ord - 3 * 365)))
        elif residence in ("permit", "toleration", "asylum"):
            # Issued after arrival (base_ord is before today, so this is too).
            issued = fromord(min(base_ord + 30 + int(rand() * 200), today_ord))
            valid_until = fromord(issued.toordinal() + 180 + int(rand() * 900))
        employment = pick(pools.EMPLOYMENT)
        migrant_id = self.ids[Migrant].take()
        case_number = self.next_case_number(centre.id, centre.code, intake.year)
        email = ""
        if rand() < 0.4:
            email = f"{ascii_letters(first_name).lower() or 'person'}.{migrant_id}@example.org"
        created_at = at(intake)
        age_years = (today_ord - intake_ord) / YEAR_DAYS
        closed = today_ord - intake_ord > 45 and rand() < min(
            0.95, max(0.03, (age_years - 0.5) / 2.5)
        )
        if show:
            closed = False  # the tour shows an agreement in force
        closed_ord = intake_ord + 30 + int(rand() * (today_ord - intake_ord - 31)) if closed else 0
        end_ord = closed_ord or today_ord
        search = " ".join(
            part
            for part in (
                self._normal(first_name),
                self._normal(last_name),
                self._normal(name_latin),
                case_number.lower(),
            )
            if part
        )
        migrant = [
            migrant_id,
            centre.id,
            counsellor_id,
            case_number,
            first_name,
            last_name,
            name_latin,
            fromord(birth_ord),
            sex,
            nationality,
            nationality,
            spoken,
            level,
            language,
            interpreter_needed,
            language if interpreter_needed else "",
            arrival_on,
            residence,
            basis if residence in ("permit", "toleration") else "",
            issued,
            valid_until,
            centre.partners.get("foreigners_authority") if residence != "eu" else None,
            pick(pools.COURSE),
            None if rand() < 0.1 else int(rand() * 17),
            pick(pools.DEGREES),
            nationality,
            employment,
            pick(pools.BENEFITS),
            f"01{int(rand() * 3) + 5}{int(rand() * 10)} {int(rand() * 9000000) + 1000000}",
            email,
            f"{pick(places.STREETS)} {int(rand() * 120) + 1}",
            centre.postcode,  # the municipality's real postcode
            centre.city,
            intake,
            pick(pools.REFERRALS),
            "active",
            None,
            "",
            "",
            None,
            None,  # merged_into
            1,
            search,
            created_at,
            created_at,
        ]
        mspec = specs[Migrant]
        history[Migrant].append(mspec.history_row(migrant, created_at, "+", counsellor_id))

        # --- family, qualifications, consents ------------------------------------------
        young_children = False
        n_children = pick((0, 0, 0, 1, 1, 2, 2, 3)) if 20 <= age_days / YEAR_DAYS <= 50 else 0
        birth_year = fromord(birth_ord).year
        for _ in range(n_children):
            lowest = max(birth_year + 17, today.year - 19)
            if lowest > today.year:
                break
            year = lowest + int(rand() * (today.year - lowest + 1))
            child_age = today.year - year
            if child_age < 1:
                care = "home"
            elif child_age < 6:
                care = pick(("kita", "kita", "waiting", "daycare", "home"))
                young_children = True
            elif child_age < 18:
                care = "school"
            else:
                care = "training"
            rows[Child].append(
                (self.ids[Child].take(), migrant_id, year, care, pick(pools.CHILD_NOTES))
            )
        n_quals = pick((0, 0, 0, 0, 0, 0, 1, 1, 1, 2))
        for _ in range(n_quals):
            rows[Qualification].append(
                (
                    self.ids[Qualification].take(),
                    migrant_id,
                    pick(pools.QUALIFICATIONS),
                    nationality,
                    pick(pools.RECOGNITION),
                )
            )
        cspec = specs[Consent]
        consent_by_partner: dict[int, int] = {}
        consent_rows = []
        for number in range(2 if rand() < 0.35 else 1):
            if number == 0:
                kind = pick(("course_provider", "course_provider", "jobcenter"))
                partner_id = centre.partners.get(kind)
            else:
                # A consent may name a kind of recipient instead of one partner.
                kind = pick(("recognition", "foreigners_authority"))
                partner_id = centre.partners.get(kind) if kind == "recognition" else None
            oral = rand() < 0.1
            consent_id = self.ids[Consent].take()
            row = [
                consent_id,
                migrant_id,
                partner_id,
                "" if partner_id else kind,
                pick(pools.CONSENT_DATA),
                pick(pools.CONSENT_PURPOSES),
                "oral" if oral else "written",
                f"Mündlich im Gespräch am {intake:%d.%m.%Y} erteilt." if oral else "",
                intake,
                None,
            ]
            if partner_id:
                consent_by_partner.setdefault(partner_id, consent_id)
            history[Consent].append(
                cspec.history_row(row, created_at + (number + 5) * minutes, "+", counsellor_id)
            )
            if rand() < 0.04 and today_ord - intake_ord > 40:
                withdrawn = fromord(intake_ord + 30 + int(rand() * (today_ord - intake_ord - 30)))
                consent_rows.append((row, withdrawn))
            rows[Consent].append(row)
        for row, withdrawn in consent_rows:
            row[C_WITHDRAWN] = withdrawn
            history[Consent].append(cspec.history_row(row, at(withdrawn), "~", counsellor_id))

        # --- areas that matter for this person -----------------------------------------
        candidates = [Area.HOUSING, Area.MONEY, Area.HEALTH, Area.PARTICIPATION, Area.WORK]
        if level in ("none", "A1", "A2", "B1"):
            candidates += [Area.LANGUAGE] * 5
        if employment in ("unemployed", "marginal", "course"):
            candidates += [Area.WORK] * 3
        if n_quals:
            candidates += [Area.RECOGNITION] * 3
        if young_children or n_children:
            candidates += [Area.CHILDCARE] * (3 if young_children else 1)
        if residence in ("permit", "toleration", "asylum"):
            candidates += [Area.RESIDENCE] * 2
        if age_days < 30 * YEAR_DAYS:
            candidates += [Area.EDUCATION] * 3

        # --- counselling sessions ------------------------------------------------------
        n_sessions = 1 + int(rand() * 5)
        length = end_ord - intake_ord
        n_sessions = max(1, min(n_sessions, length // 10 + 1))
        days = sorted(
            workday(intake_ord + int(rand() * (length + 1))) for _ in range(n_sessions - 1)
        )
        interpreter = "none"
        if interpreter_needed:
            interpreter = pick(("professional", "professional", "volunteer", "family"))
            if show and show.interpreter:
                interpreter = "professional"
        # A person keeps one named interpreter; a family member is not named.
        interpreter_name = ""
        if interpreter in ("professional", "volunteer"):
            interpreter_name = pick(pools.INTERPRETERS.get(language, pools.INTERPRETERS_ANY))
        elif interpreter == "family":
            interpreter_name = "Familienangehörige/r"
        interpreted = (
            f" Gedolmetscht von {interpreter_name}."
            if interpreter in ("professional", "volunteer")
            else ""
        )
        for number, day_ord in enumerate([intake_ord, *days]):
            day = fromord(day_ord)
            topic = pick(candidates)
            topics = (topic,) if rand() < 0.6 else tuple(sorted({topic, pick(candidates)}))
            next_appointment = None
            if number == n_sessions - 1 and not closed:
                # The next appointment of an open case lies ahead.
                next_day = max(day_ord + 7, today_ord + 1) + int(rand() * 28)
                next_day = workday(next_day, forward=True)
                next_appointment = at(fromord(next_day))
            held_at = created_at + 30 * minutes if number == 0 else at(day)
            rows[CounsellingSession].append(
                (
                    self.ids[CounsellingSession].take(),
                    migrant_id,
                    counsellor_id,
                    day,
                    pick((30, 45, 45, 60, 60, 60, 90)),
                    pick(pools.SESSION_MODES),
                    interpreter,
                    language if interpreter != "none" else "",
                    interpreter == "family" and rand() < 0.1,
                    self._topics_json(topics),
                    pick(pools.SESSION_NOTES) + interpreted,
                    pick(pools.NEXT_STEPS),
                    next_appointment,
                    held_at,
                    1,
                )
            )

        # --- agreements ----------------------------------------------------------------
        last_change = None
        if length > 10 and (rand() < 0.88 or show):
            last_change = self._agreements(
                out,
                migrant=migrant,
                centre=centre,
                counsellor_id=counsellor_id,
                intake_ord=intake_ord,
                end_ord=end_ord,
                closed=closed,
                candidates=candidates,
                consent_by_partner=consent_by_partner,
                interpreter_needed=interpreter_needed,
                interpreter_name=interpreter_name,
                show=show,
                n_children=n_children,
                n_quals=n_quals,
            )

        # --- the end of the case -------------------------------------------------------
        if closed:
            closed_on = fromord(closed_ord)
            migrant[M_STATUS] = "closed"
            migrant[M_CLOSED_ON] = closed_on
            migrant[M_CLOSURE_REASON] = pick(pools.CLOSURE_REASONS)
            migrant[M_CLOSURE_NOTE] = pick(pools.CLOSURE_NOTES)
            migrant[M_REVISION] = 2
            closed_at = at(closed_on)
            if last_change is not None and last_change >= closed_at:
                closed_at = last_change + 10 * minutes
            migrant[M_UPDATED_AT] = closed_at
            history[Migrant].append(mspec.history_row(migrant, closed_at, "~", counsellor_id))
        rows[Migrant].append(migrant)
