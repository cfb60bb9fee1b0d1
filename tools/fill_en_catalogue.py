"""Fill the English message catalogue from its msgids.

Usage: python tools/fill_en_catalogue.py [--check] [--add-from-de] [PATH]

Our msgids are English, so the English catalogue only has to echo them: msgstr = msgid, and
for plural entries msgstr[0] = msgid, msgstr[1] = msgid_plural. An English catalogue is
still needed: without it a user who chose English would get the msgid only where no
translation exists, and `makemessages` marks near-matches "fuzzy" with another string's
text, which would show the wrong English.

The script rewrites every entry (empty, fuzzy or stale), drops "fuzzy" flags and the
`#|` previous-msgid comments that go with them, and normalises the header (language,
charset, plural forms). Comments and source references are kept. With --check it changes
nothing and exits 1 if the catalogue is not filled. With --add-from-de it first adds every
entry of the German catalogue the English one lacks (an entry written by hand into the
German catalogue needs no `make messages` run to reach the English one).

Pure standard library: the parser here is also used by tests/test_translations.py.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EN_CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
PLURAL_FORMS = "nplurals=2; plural=(n != 1);"

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"\s*$')
_CONTINUATION = re.compile(r'^\s*"(.*)"\s*$')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b",
            "f": "\f", "v": "\v"}  # fmt: skip


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    # index -> text; a singular entry uses index None
    msgstr: dict[int | None, str] = field(default_factory=dict)
    obsolete: list[str] | None = None  # "#~" entries are kept verbatim

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None and self.obsolete is None

    @property
    def flags(self) -> set[str]:
        found: set[str] = set()
        for comment in self.comments:
            if comment.startswith("#,"):
                found.update(flag.strip() for flag in comment[2:].split(","))
        return found - {""}

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translations(self) -> list[str]:
        return [self.msgstr[key] for key in sorted(self.msgstr, key=lambda k: k or 0)]

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.translations) and not self.fuzzy

    def drop_fuzzy(self) -> None:
        comments = []
        for comment in self.comments:
            if comment.startswith("#|"):
                continue  # previous msgid of a fuzzy match; meaningless once checked
            if comment.startswith("#,"):
                flags = [
                    f.strip() for f in comment[2:].split(",") if f.strip() not in ("", "fuzzy")
                ]
                if not flags:
                    continue
                comment = "#, " + ", ".join(flags)
            comments.append(comment)
        self.comments = comments


def unescape(text: str) -> str:
    """Decode a C-style quoted .po string body (without the quotes)."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        following = text[index + 1 : index + 2]
        if following in _ESCAPES:
            out.append(_ESCAPES[following])
            index += 2
        elif following.isdigit():
            digits = re.match(r"[0-7]{1,3}", text[index + 1 :]).group(0)
            out.append(chr(int(digits, 8)))
            index += 1 + len(digits)
        elif following == "x":
            digits = re.match(r"[0-9a-fA-F]{1,2}", text[index + 2 :]).group(0)
            out.append(chr(int(digits, 16)))
            index += 2 + len(digits)
        else:
            raise ValueError(f"unknown escape \\{following} in {text!r}")
    return "".join(out)


def escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\t", "\\t")
        .replace("\r", "\\r")
        .replace("\n", "\\n")
    )


def quote(keyword: str, text: str) -> list[str]:
    """Lines for `keyword "text"`; a text with inner newlines is split after each one."""
    pieces = re.findall(r"[^\n]*\n|[^\n]+$", text) or [""]
    if len(pieces) == 1:
        return [f'{keyword} "{escape(text)}"']
    return [f'{keyword} ""'] + [f'"{escape(piece)}"' for piece in pieces]


def parse(path: Path) -> list[Entry]:
    return parse_text(path.read_text(encoding="utf-8"), str(path))


def parse_text(text: str, name: str = "<catalogue>") -> list[Entry]:
    entries: list[Entry] = []
    for number, block in enumerate(re.split(r"\n[ \t]*\n", text.strip("\n"))):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("#") for line in lines):
            if any(line.startswith("#~") for line in lines):
                entries.append(Entry(obsolete=lines))
                continue
            raise ValueError(f"{name}: block {number} holds comments but no entry")
        entry = Entry()
        parts: dict[tuple[str, int | None], list[str]] = {}
        current: tuple[str, int | None] | None = None
        for line in lines:
            if line.startswith("#"):
                if parts:
                    raise ValueError(f"{name}: comment after the strings in block {number}")
                entry.comments.append(line)
                continue
            keyword = _KEYWORD.match(line)
            if keyword:
                kind = keyword.group(1).split("[")[0]
                index = int(keyword.group(2)) if keyword.group(2) is not None else None
                current = (kind, index)
                if current in parts:
                    raise ValueError(f"{name}: {keyword.group(1)} twice in block {number}")
                parts[current] = [keyword.group(3)]
                continue
            continuation = _CONTINUATION.match(line)
            if continuation and current is not None:
                parts[current].append(continuation.group(1))
                continue
            raise ValueError(f"{name}: cannot read line {line!r} in block {number}")
        values = {key: unescape("".join(chunks)) for key, chunks in parts.items()}
        if ("msgid", None) not in values:
            raise ValueError(f"{name}: block {number} has no msgid")
        entry.msgid = values[("msgid", None)]
        entry.msgctxt = values.get(("msgctxt", None))
        entry.msgid_plural = values.get(("msgid_plural", None))
        entry.msgstr = {index: value for (kind, index), value in values.items() if kind == "msgstr"}
        if not entry.msgstr:
            raise ValueError(f"{name}: msgid {entry.msgid!r} has no msgstr")
        entries.append(entry)
    return entries


def serialise(entries: list[Entry]) -> str:
    blocks = []
    for entry in entries:
        if entry.obsolete is not None:
            blocks.append("\n".join(entry.obsolete))
            continue
        lines = list(entry.comments)
        if entry.msgctxt is not None:
            lines += quote("msgctxt", entry.msgctxt)
        lines += quote("msgid", entry.msgid)
        if entry.msgid_plural is not None:
            lines += quote("msgid_plural", entry.msgid_plural)
        for index in sorted(entry.msgstr, key=lambda k: k or 0):
            keyword = "msgstr" if index is None else f"msgstr[{index}]"
            lines += quote(keyword, entry.msgstr[index])
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def normalise_header(entry: Entry, language: str) -> None:
    header = entry.msgstr.get(None, "")
    fields = [line for line in header.split("\n") if line]
    wanted = {
        "Language": language,
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": PLURAL_FORMS,
    }
    result, seen = [], set()
    for line in fields:
        name = line.split(":", 1)[0].strip()
        if name in wanted:
            line = f"{name}: {wanted[name]}"
            seen.add(name)
        result.append(line)
    result += [f"{name}: {value}" for name, value in wanted.items() if name not in seen]
    entry.msgstr = {None: "\n".join(result) + "\n"}
    entry.drop_fuzzy()


def fill_english(entries: list[Entry]) -> int:
    """Make every English msgstr echo its msgid; return how many entries changed."""
    changed = 0
    for entry in entries:
        if entry.obsolete is not None:
            continue
        before = (dict(entry.msgstr), list(entry.comments))
        if entry.is_header:
            normalise_header(entry, "en")
        else:
            if entry.msgid_plural is None:
                entry.msgstr = {None: entry.msgid}
            else:
                entry.msgstr = {0: entry.msgid, 1: entry.msgid_plural}
            entry.drop_fuzzy()
        if (entry.msgstr, entry.comments) != before:
            changed += 1
    return changed


def add_missing(entries: list[Entry], source: list[Entry]) -> int:
    """Append the entries of `source` (by msgctxt and msgid) that `entries` lacks."""
    have = {(e.msgctxt, e.msgid) for e in entries if e.obsolete is None}
    added = 0
    for entry in source:
        if entry.obsolete is not None or entry.is_header or (entry.msgctxt, entry.msgid) in have:
            continue
        entries.append(
            Entry(
                comments=[c for c in entry.comments if c.startswith("#,")],
                msgctxt=entry.msgctxt,
                msgid=entry.msgid,
                msgid_plural=entry.msgid_plural,
                msgstr={},
            )
        )
        added += 1
    return added


def main(argv: list[str]) -> int:
    check = "--check" in argv
    paths = [Path(arg) for arg in argv if not arg.startswith("--")]
    path = paths[0] if paths else EN_CATALOGUE
    entries = parse(path)
    changed = 0
    if "--add-from-de" in argv:
        changed += add_missing(entries, parse(ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"))
    changed += fill_english(entries)
    if check:
        if changed:
            print(f"{path}: {changed} entries are not filled from their msgids")
            return 1
        return 0
    if changed:
        path.write_text(serialise(entries), encoding="utf-8")
    print(f"{path}: {changed} entries filled from their msgids")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
