"""Fill the de/en message catalogues: German from locale/fragments/*.po, English from msgids.

Usage: python tools/catalogue.py [--check]

`makemessages` keeps msgids in step with the code; the German wording lives in fragments
(one per area of the product), so that translations written alongside a feature survive a
regeneration of the catalogue. With --check, exits 1 when an entry is still untranslated.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "locale"


@dataclass
class Entry:
    comments: list[str] = field(default_factory=list)
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=lambda: [""])

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def fuzzy(self) -> bool:
        return any(c.startswith("#,") and "fuzzy" in c for c in self.comments)

    @property
    def translated(self) -> bool:
        return all(self.msgstr) and not self.fuzzy


def _unquote(lines: list[str]) -> str:
    text = "".join(re.match(r'^\s*"(.*)"\s*$', line).group(1) for line in lines)
    return bytes(text, "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")
    if "\n" not in escaped or (escaped.endswith("\n") and escaped.count("\n") == 1):
        return '"' + escaped.replace("\n", "\\n") + '"'
    parts = escaped.split("\n")
    lines = ['""']
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if last and part == "":
            break
        lines.append('"' + part + ("" if last else "\\n") + '"')
    return "\n".join(lines)


def parse(path: Path) -> list[Entry]:
    entries: list[Entry] = []
    current = Entry()
    keyword = None
    buffer: dict[str, list[str]] = {}

    def flush():
        nonlocal current, buffer
        if buffer:
            current.msgid = _unquote(buffer.get("msgid", ['""']))
            if "msgctxt" in buffer:
                current.msgctxt = _unquote(buffer["msgctxt"])
            if "msgid_plural" in buffer:
                current.msgid_plural = _unquote(buffer["msgid_plural"])
                plurals = sorted(k for k in buffer if k.startswith("msgstr["))
                current.msgstr = [_unquote(buffer[k]) for k in plurals]
            else:
                current.msgstr = [_unquote(buffer.get("msgstr", ['""']))]
            entries.append(current)
        current, buffer = Entry(), {}

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip("\n")
        if not line.strip():
            flush()
            keyword = None
            continue
        if line.startswith("#"):
            if buffer:
                flush()
            current.comments.append(line)
            continue
        match = re.match(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(\".*\")\s*$", line)
        if match:
            keyword = match.group(1)
            if keyword in ("msgid", "msgctxt") and "msgid" in buffer:
                flush()
            buffer[keyword] = [match.group(2)]
        elif line.strip().startswith('"') and keyword:
            buffer[keyword].append(line)
    flush()
    return entries


def write(path: Path, entries: list[Entry]) -> None:
    chunks = []
    for entry in entries:
        lines = list(entry.comments)
        if entry.msgctxt is not None:
            lines.append("msgctxt " + _quote(entry.msgctxt))
        lines.append("msgid " + _quote(entry.msgid))
        if entry.msgid_plural is not None:
            lines.append("msgid_plural " + _quote(entry.msgid_plural))
            for index, text in enumerate(entry.msgstr):
                lines.append(f"msgstr[{index}] " + _quote(text))
        else:
            lines.append("msgstr " + _quote(entry.msgstr[0]))
        chunks.append("\n".join(lines))
    path.write_text("\n\n".join(chunks) + "\n", encoding="utf-8")


def unfuzz(entry: Entry) -> None:
    entry.comments = [
        c
        if not c.startswith("#,")
        else "#," + ",".join(f for f in c[2:].split(",") if f.strip() != "fuzzy")
        for c in entry.comments
    ]
    entry.comments = [c for c in entry.comments if c.strip() != "#,"]


def fill() -> dict[str, list[str]]:
    fragments: dict[tuple[str | None, str], list[str]] = {}
    for fragment in sorted((LOCALE / "fragments").glob("*.po")):
        for entry in parse(fragment):
            if entry.msgid and all(entry.msgstr):
                fragments[entry.key] = entry.msgstr
    missing: dict[str, list[str]] = {}
    for language in ("de", "en"):
        path = LOCALE / language / "LC_MESSAGES" / "django.po"
        entries = parse(path)
        for entry in entries[1:]:
            if language == "en":
                entry.msgstr = (
                    [entry.msgid, entry.msgid_plural]
                    if entry.msgid_plural is not None
                    else [entry.msgid]
                )
                unfuzz(entry)
            elif entry.key in fragments and (entry.fuzzy or not all(entry.msgstr)):
                wanted = fragments[entry.key]
                entry.msgstr = wanted if entry.msgid_plural is not None else wanted[:1]
                unfuzz(entry)
        header = entries[0]
        header.msgstr = [
            re.sub(
                r"Plural-Forms: [^\n]*",
                "Plural-Forms: nplurals=2; plural=(n != 1);",
                header.msgstr[0],
            )
            .replace("Language: \n", f"Language: {language}\n")
            .replace("charset=CHARSET", "charset=UTF-8")
        ]
        unfuzz(header)
        write(path, entries)
        missing[language] = [e.msgid for e in entries[1:] if not e.translated]
    return missing


if __name__ == "__main__":
    result = fill()
    for language, msgids in result.items():
        for msgid in msgids:
            print(f"{language}: untranslated: {msgid!r}")
    if "--check" in sys.argv and any(result.values()):
        sys.exit(1)
