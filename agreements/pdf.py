"""PDF documents. The only module that imports WeasyPrint; everything here returns bytes.

Nothing is fetched while rendering: fonts come from the project's static/fonts, images are
data URIs, and the URL fetcher refuses everything else.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_noop
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from agreements.content import commitments
from agreements.enums import (
    ClientRating,
    GoalStatus,
    HurdleCategory,
    Responsible,
    ReviewOutcome,
    StepStatus,
)
from agreements.fingerprint import content_fingerprint
from sites.enums import Area

FONT_DIR = (Path(settings.BASE_DIR) / "static" / "fonts").resolve()
FONT_BASE_URL = FONT_DIR.as_uri() + "/"  # relative URLs in documents and stylesheets
STYLESHEET_DIR = (Path(settings.BASE_DIR) / "templates").resolve()
FONTS_STYLESHEET = "pdf/fonts.css"
USER_AGENT_STYLESHEET = "pdf/ua.css"
AGREEMENT_STYLESHEET = "agreements/pdf/agreement.css"
RTL_LANGUAGES = {"ar", "fa"}

# Every fixed text of the agreement, printed in German and in the document language.
LABELS = {
    "title": gettext_noop("Integration agreement"),
    "case_number": gettext_noop("Case number"),
    "agreement_number": gettext_noop("Agreement number"),
    "version": gettext_noop("Version"),
    "parties": gettext_noop("Parties to this agreement"),
    "person": gettext_noop("The client"),
    "centre": gettext_noop("The counselling centre"),
    "counsellor": gettext_noop("Counsellor"),
    "born": gettext_noop("Date of birth"),
    "situation": gettext_noop("Starting situation"),
    "situation_language": gettext_noop("Language"),
    "situation_schooling": gettext_noop("Schooling and qualifications"),
    "situation_residence": gettext_noop("Residence"),
    "situation_family": gettext_noop("Children and childcare"),
    "situation_work": gettext_noop("Work and income"),
    "strengths": gettext_noop("Strengths and resources"),
    "goals": gettext_noop("Goals and steps"),
    "goal": gettext_noop("Goal"),
    "status": gettext_noop("Status"),
    "target_date": gettext_noop("Target date"),
    "step": gettext_noop("What is to be done"),
    "who": gettext_noop("Who"),
    "due": gettext_noop("By when"),
    "referral": gettext_noop("Referral to"),
    "postponed_to": gettext_noop("postponed to"),
    "commitments": gettext_noop("Mutual commitments"),
    "commit_person": gettext_noop("The client will"),
    "commit_centre": gettext_noop("The counselling centre will"),
    "commit_partners": gettext_noop("Cooperation partners will"),
    "reviews": gettext_noop("Review schedule"),
    "reviews_text": gettext_noop(
        "We review this agreement together every %(months)s months. At each review we take "
        "stock of successes and hurdles and adapt goals and steps where needed."
    ),
    "valid": gettext_noop("Valid from %(start)s"),
    "statements": gettext_noop("Important information"),
    "voluntary": gettext_noop(
        "This agreement is voluntary. It describes what both sides intend to do; it does not "
        "replace any decision of an authority, and not signing it has no disadvantage for you."
    ),
    "data": gettext_noop(
        "Your data is stored by the counselling centre for counselling only. It is passed to "
        "partners only with your consent, which you can withdraw at any time. You have the "
        "right to see, correct and have deleted the data stored about you."
    ),
    "binding": gettext_noop(
        "The German text is binding. The translation is there to help you understand it."
    ),
    "signatures": gettext_noop("Signatures"),
    "sign_person": gettext_noop("Signature of the client"),
    "sign_counsellor": gettext_noop("Signature of the counsellor"),
    "sign_interpreter": gettext_noop("Signature of the interpreter"),
    "place_date": gettext_noop("Place, date"),
    "page": gettext_noop("Page"),
    "of": gettext_noop("of"),
    "verify": gettext_noop("Verification code"),
    "fingerprint": gettext_noop("Content fingerprint"),
    "draft": gettext_noop("Draft – not for signing"),
    "blank": gettext_noop("Form to fill in by hand"),
}
CHOICE_ENUMS = {
    "area": Area,
    "goal_status": GoalStatus,
    "step_status": StepStatus,
    "responsible": Responsible,
}


# Every fixed text of the review sheet, printed like the agreement's. The client's three
# questions share their msgids with the review's fields (lower case there, so capitalised
# here: the English catalogue only echoes msgids).
REVIEW_LABELS = {
    "title": gettext_noop("Review of the integration agreement"),
    "title_final": gettext_noop("Final review of the integration agreement"),
    "agreement_number": LABELS["agreement_number"],
    "version": LABELS["version"],
    "case_number": LABELS["case_number"],
    "person": LABELS["person"],
    "counsellor": LABELS["counsellor"],
    "date": gettext_noop("Date"),
    "took_part": gettext_noop("Who took part"),
    "the_client": gettext_noop("the client"),
    "the_counsellor": gettext_noop("the counsellor"),
    "an_interpreter": gettext_noop("an interpreter"),
    "stocktake": gettext_noop("Stock-take of goals and steps"),
    "goal": LABELS["goal"],
    "outcome": gettext_noop("Outcome"),
    "comment": gettext_noop("Comment"),
    "step": gettext_noop("Step"),
    "status": LABELS["status"],
    "postponed_to": LABELS["postponed_to"],
    "no_outcomes": gettext_noop("No outcomes were recorded."),
    "successes": gettext_noop("Successes"),
    "hurdles": gettext_noop("Hurdles"),
    "hurdle_kinds": gettext_noop("Kinds of hurdles"),
    "changes": gettext_noop("What was changed"),
    "client_view": gettext_noop("The client's own view"),
    "q_rating": gettext_noop("does the agreement help you?"),
    "q_most_helpful": gettext_noop("what has helped you most?"),
    "q_wish": gettext_noop("what should change?"),
    "next_review": gettext_noop("Next review"),
    "no_next_review": gettext_noop("none: the agreement is completed"),
    "shortened": gettext_noop("Shortened; the full text is kept in the record."),
}
CAPITALISED = {"q_rating", "q_most_helpful", "q_wish"}
REVIEW_CHOICE_ENUMS = {
    "area": Area,
    "goal_outcome": ReviewOutcome,
    "step_status": StepStatus,
    "hurdle": HurdleCategory,
    "rating": ClientRating,
}


def _translated(language: str, labels: dict = LABELS, enums: dict = CHOICE_ENUMS) -> dict:
    with translation.override(language):
        texts = {key: gettext(msgid) for key, msgid in labels.items()}
        for key in CAPITALISED & texts.keys():
            texts[key] = capfirst(texts[key])
        for name, enum in enums.items():
            texts[name] = {value: str(label) for value, label in enum.choices}
    return texts


def _languages(language: str, labels: dict, enums: dict) -> dict:
    """German and the document language, as the `bi` tags of the PDF templates read them."""
    return {
        "de": _translated("de", labels, enums),
        "x": _translated(language, labels, enums) if language else None,
        "x_lang": language,
        "x_dir": "rtl" if language in RTL_LANGUAGES else "ltr",
    }


class ProjectFontsOnly(URLFetcher):
    """Fetches the project's font files and data URIs; anything else stops the rendering."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.startswith("file://"):
            path = Path(url[len("file://") :]).resolve()
            if not path.is_relative_to(FONT_DIR):
                raise FatalURLFetchingError(f"refused to read {url!r} while rendering a PDF")
        elif not url.startswith("data:"):
            raise FatalURLFetchingError(f"refused to fetch {url!r} while rendering a PDF")
        return super().fetch(url, headers)


class _Renderer(threading.local):
    """One font configuration and the parsed stylesheets per worker thread.

    Loading the fonts into Fontconfig and parsing the stylesheets took about a sixth of
    every render when each document brought its own; they never change while the process
    runs. Per thread, because Pango's font map is not made to be shared between threads.
    """

    def __init__(self):
        self.fetcher = ProjectFontsOnly()
        self.font_config = FontConfiguration()
        self.stylesheets: dict[str, CSS] = {}

    def stylesheet(self, name: str) -> CSS:
        if name not in self.stylesheets:
            self.stylesheets[name] = CSS(
                filename=str(STYLESHEET_DIR / name),
                base_url=FONT_BASE_URL,
                url_fetcher=self.fetcher,
                font_config=self.font_config,
            )
        return self.stylesheets[name]


_renderer = _Renderer()


class _DocumentHTML(HTML):
    """HTML with the project's lean user-agent stylesheet instead of WeasyPrint's full one.

    `_ua_stylesheets` is WeasyPrint's hook for it (pinned version; a test fails if the hook
    goes away).
    """

    def _ua_stylesheets(self, forms=False):
        return [_renderer.stylesheet(USER_AGENT_STYLESHEET)]


# Break opportunities in long runs without one. WeasyPrint lays out each line of a text from
# the rest of that text, whole, when the next line offers no break: a 5,000-character word
# took 99 s (quadratic), and `overflow-wrap: anywhere` alone does not help, it breaks the
# same way. A zero-width space every RUN characters of a run longer than LONG_RUN lets it
# cut the text short again (linear); it prints nothing and is not in the copied text.
LONG_RUN = 30
RUN = 15
_TEXT = re.compile(r">([^<]+)<")
# A run: characters that are neither space nor markup, an entity counted as one.
_LONG_RUN = re.compile(rf"(?:&#?\w+;|[^\s<>&\u200b]){{{LONG_RUN + 1},}}")
_PIECE = re.compile(rf"(?:&#?\w+;|[^&]){{1,{RUN}}}")
_UNTOUCHED = re.compile(r"(<(style|script)\b.*?</\2>)", re.DOTALL | re.IGNORECASE)


def _break_run(match: re.Match) -> str:
    return "\u200b".join(_PIECE.findall(match.group()))


def _break_text(match: re.Match) -> str:
    return ">" + _LONG_RUN.sub(_break_run, match.group(1)) + "<"


def breakable(html: str) -> str:
    """The HTML with break opportunities in every long run of its body's text (not in
    tags, attributes, styles or the head)."""
    start = html.find("<body")
    if start == -1:
        return html
    parts = _UNTOUCHED.split(html[start:])
    # split() with two groups yields: text, whole element, tag name, text, ...
    for index in range(0, len(parts), 3):
        parts[index] = _TEXT.sub(_break_text, parts[index])
    body = "".join(part for index, part in enumerate(parts) if index % 3 != 2)
    return html[:start] + body


def html_to_pdf(
    html: str,
    stylesheets: tuple[str, ...] = (),
    attachments: Sequence[tuple[str, bytes, str]] = (),
) -> bytes:
    """Render HTML to PDF/A-3b; title, language and author come from the HTML head.

    The project's fonts are always there (family "Doc", and "DocArabic" for Arabic
    script); `stylesheets` names further files under templates/ to apply. Long runs of
    text get break opportunities (`breakable`), so no input makes the layout quadratic.
    `attachments` (file name, content, description) are embedded as files, which PDF/A-3
    allows.
    """
    sheets = [_renderer.stylesheet(name) for name in (FONTS_STYLESHEET, *stylesheets)]
    document = _DocumentHTML(
        string=breakable(html), base_url=FONT_BASE_URL, url_fetcher=_renderer.fetcher
    )
    return document.write_pdf(
        stylesheets=sheets,
        font_config=_renderer.font_config,
        pdf_variant="pdf/a-3b",
        custom_metadata=True,
        attachments=[
            Attachment(file_obj=io.BytesIO(content), name=name, description=description)
            for name, content, description in attachments
        ],
    )


def qr_data_uri(text: str) -> str:
    return segno.make(text, error="m").svg_data_uri(scale=3, border=1)


def agreement_context(
    agreement, *, blank: bool = False, verification_code: str = "", verification_url: str = ""
) -> dict:
    goals = list(agreement.goals.prefetch_related("steps__partner", "steps__offer"))
    steps = [step for goal in goals for step in goal.steps.all()]
    areas = []
    for area in Area.values:
        in_area = [goal for goal in goals if goal.area == area]
        if in_area:
            areas.append((area, in_area))
    language = agreement.document_language or ""
    return {
        "agreement": agreement,
        "migrant": agreement.migrant,
        "centre": agreement.centre,
        "areas": areas,
        "commitments": commitments(agreement, steps),
        **_languages(language, LABELS, CHOICE_ENUMS),
        "fingerprint": content_fingerprint(agreement),
        "blank": blank,
        "draft": agreement.status == "draft" and not verification_code and not blank,
        "verification_code": verification_code,
        "qr": qr_data_uri(verification_url) if verification_url else "",
        "verification_url": verification_url,
    }


def render_agreement_pdf(
    agreement, *, blank: bool = False, verification_code: str = "", verification_url: str = ""
) -> bytes:
    context = agreement_context(
        agreement,
        blank=blank,
        verification_code=verification_code,
        verification_url=verification_url,
    )
    # The document's own text is German; the second language is marked up where it appears.
    with translation.override("de"):
        html = render_to_string("agreements/pdf/agreement.html", context)
    return html_to_pdf(html, stylesheets=(AGREEMENT_STYLESHEET,))


@dataclass
class ReviewedGoal:
    """One goal on the review sheet: what the review found of it and of its steps."""

    goal: object
    outcome: object = None  # GoalOutcome, if the review gave the goal one
    steps: list = field(default_factory=list)  # StepOutcome rows, in the steps' order


def review_context(review) -> dict:
    """The review sheet's content in three queries (the review is fetched with its
    agreement, person, centre, counsellor and partner)."""
    found: dict[int, ReviewedGoal] = {}
    for outcome in review.outcomes.select_related("goal"):
        found.setdefault(outcome.goal_id, ReviewedGoal(outcome.goal)).outcome = outcome
    for step_outcome in review.step_outcomes.select_related("step__goal"):
        goal = step_outcome.step.goal
        found.setdefault(goal.pk, ReviewedGoal(goal)).steps.append(step_outcome)
    goals = sorted(found.values(), key=lambda item: (item.goal.position, item.goal.pk))
    for item in goals:
        item.steps.sort(key=lambda row: (row.step.position, row.step.pk))
    agreement = review.agreement
    return {
        "review": review,
        "agreement": agreement,
        "migrant": agreement.migrant,
        "centre": agreement.centre,
        "goals": goals,
        **_languages(agreement.document_language or "", REVIEW_LABELS, REVIEW_CHOICE_ENUMS),
    }


def render_review_pdf(review) -> bytes:
    """The sheet handed to the client after a review, German beside the document language."""
    with translation.override("de"):
        html = render_to_string("agreements/pdf/review.html", review_context(review))
    return html_to_pdf(html, stylesheets=(AGREEMENT_STYLESHEET,))
