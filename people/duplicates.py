"""Possible duplicates of a person: same date of birth in the same centre, similar name.

The database narrows by (centre, date of birth) through the `migrant_centre_born` index:
a centre of 5,000 people has one or two per birthday, so the name comparison below runs
in Python over a handful of rows, whatever the size of the national table.

Names are compared in Latin letters (anyascii folds Cyrillic, Arabic, Turkish ı ...),
without accents and case, in any word order, and match when they are equal, sound alike
by the Kölner Phonetik (Mohammed / Muhammad), or differ by a typing slip.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Iterable, Sequence

from anyascii import anyascii
from django.utils.translation import gettext_lazy as _

from people.models import Migrant, normalise_for_search
from sites.errors import RuleError

# What the matches panel shows of each person (no full record: a name, the case, its holder).
MATCH_COLUMNS = (
    "pk",
    "centre_id",
    "case_number",
    "first_name",
    "last_name",
    "name_latin",
    "date_of_birth",
    "status",
    "intake_on",
    "counsellor__first_name",
    "counsellor__last_name",
    "counsellor__username",
)


class PossibleDuplicates(RuleError):
    """The person may be recorded already; nothing was saved. `matches` are the records."""

    def __init__(self, matches: Sequence[Migrant]):
        self.matches = list(matches)
        super().__init__(_("This person may already be recorded in this centre."))


def latin_words(text: str) -> list[str]:
    """The words of a name in lower-case Latin letters: "Сергей" -> ["sergei"]."""
    folded = normalise_for_search(anyascii(normalise_for_search(text)))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in folded)
    return cleaned.split()


# --- Kölner Phonetik (Postel 1969): German pronunciation, so it suits names as German
# counsellors spell them --------------------------------------------------------------------

_PLAIN_CODES = {
    **dict.fromkeys("aeijouy", "0"),
    "b": "1",
    **dict.fromkeys("fvw", "3"),
    **dict.fromkeys("gkq", "4"),
    "l": "5",
    **dict.fromkeys("mn", "6"),
    "r": "7",
    **dict.fromkeys("sz", "8"),
}


def _code(word: str, i: int) -> str:
    ch = word[i]
    before = word[i - 1] if i else ""
    after = word[i + 1] if i + 1 < len(word) else ""
    if ch in _PLAIN_CODES:
        return _PLAIN_CODES[ch]
    if ch == "h":
        return ""
    if ch == "p":
        return "3" if after == "h" else "1"
    if ch in "dt":
        return "8" if after in ("c", "s", "z") else "2"
    if ch == "c":
        if i == 0:
            return "4" if after in "ahkloqrux" else "8"
        if before in ("s", "z"):
            return "8"
        return "4" if after in "ahkoqux" else "8"
    if ch == "x":
        return "8" if before in ("c", "k", "q") else "48"
    return ""  # digits and anything anyascii left


def koelner_phonetik(word: str) -> str:
    """The phonetic code of one word, e.g. "Müller" and "Mueller" -> "657"."""
    word = "".join(ch for ch in word.lower() if ch.isalpha())
    raw = "".join(_code(word, i) for i in range(len(word)))
    collapsed = []
    for digit in raw:
        if not collapsed or collapsed[-1] != digit:
            collapsed.append(digit)
    code = "".join(collapsed)
    return code[:1] + code[1:].replace("0", "")


def _edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, left in enumerate(a, 1):
        current = [i]
        for j, right in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left != right))
            )
        previous = current
    return previous[-1]


def _spellings(first_name: str, last_name: str, name_latin: str) -> list[list[str]]:
    """The person's name as the form gives it and in its own Latin transliteration, its
    words in the order written."""
    spellings = [latin_words(f"{first_name} {last_name}"), latin_words(name_latin)]
    return [words for words in spellings if words]


def _slips_allowed(one: str, other: str) -> int:
    # A slip of the keyboard, not another name: one letter in short words, two in long.
    return 1 if min(len(one), len(other)) < 8 else 2


def _sound_alike(one: str, other: str) -> bool:
    """Same Kölner code and the same first letter: the code alone ignores every vowel, so
    "Amira" and "Omar" would sound alike."""
    return one[:1] == other[:1] and koelner_phonetik(one) == koelner_phonetik(other)


def _words_close(one: str, other: str) -> bool:
    return (
        one == other
        or _sound_alike(one, other)
        or _edit_distance(one, other) <= _slips_allowed(one, other)
    )


def _alike(one: list[str], other: list[str]) -> bool:
    if sorted(one) == sorted(other):
        return True
    if len(one) == len(other):
        # Word by word, first or family name first.
        orders = ((one, other), (one, other[::-1]), (sorted(one), sorted(other)))
        if any(all(map(_words_close, a, b)) for a, b in orders):
            return True
    # Written together or apart ("Al-Ahmad", "Alahmad"): the whole name, a slip at most.
    joined = "".join(one)
    for order in (other, other[::-1]):
        other_joined = "".join(order)
        if _sound_alike(joined, other_joined) or _edit_distance(joined, other_joined) <= 1:
            return True
    return False


def names_alike(one: Iterable[list[str]], other: Iterable[list[str]]) -> bool:
    other = list(other)
    return any(_alike(a, b) for a in one for b in other)


def possible_duplicates(
    *,
    centre_id: int,
    first_name: str,
    last_name: str,
    name_latin: str = "",
    date_of_birth: datetime.date | None,
    exclude_pk: int | None = None,
) -> list[Migrant]:
    """Records of the centre with this date of birth and a similar name, oldest first.

    Merged records are left out: they point to the record that holds the case now."""
    if date_of_birth is None:
        return []
    wanted = _spellings(first_name, last_name, name_latin)
    if not wanted:
        return []
    candidates = (
        Migrant.objects.filter(
            centre_id=centre_id,
            date_of_birth=date_of_birth,
            merged_into__isnull=True,
            anonymised_at__isnull=True,
        )
        .exclude(pk=exclude_pk)
        .select_related("counsellor")
        .only(*MATCH_COLUMNS)
        .order_by("intake_on", "pk")
    )
    return [
        person
        for person in candidates
        if names_alike(wanted, _spellings(person.first_name, person.last_name, person.name_latin))
    ]


def refuse_unconfirmed_duplicates(
    *,
    centre_id: int,
    values,
    different_from: Collection[int],
    exclude_pk: int | None = None,
) -> list[Migrant]:
    """Raise `PossibleDuplicates` unless the user said each match is a different person;
    returns the matches the user set aside (for the record)."""
    matches = possible_duplicates(
        centre_id=centre_id,
        first_name=values.get("first_name") or "",
        last_name=values.get("last_name") or "",
        name_latin=values.get("name_latin") or "",
        date_of_birth=values.get("date_of_birth"),
        exclude_pk=exclude_pk,
    )
    if any(match.pk not in different_from for match in matches):
        raise PossibleDuplicates(matches)
    return matches


def decision_note(matches: Sequence[Migrant]) -> str:
    """The history's reason when the user saved despite matches."""
    return str(
        _("checked for duplicates: not the same person as %(cases)s")
        % {"cases": ", ".join(match.case_number for match in matches)}
    )
