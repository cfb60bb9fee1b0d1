"""Pseudonymised export of the evaluation report as CSV or XLSX.

What leaves the application: counts and shares only, never a name or case number; ages
in bands, nationalities in regions; cells of fewer than five people suppressed (and their
complements, see tables.py). Each export is written to the access log, once per centre.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from agreements.services.reports.evaluation import Evaluation
from agreements.services.reports.tables import SUPPRESS_BELOW, SUPPRESSED_MARK, Table
from people.enums import AccessAction
from people.models import AccessLog
from sites.models import User

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    content_type: str
    filename: str


def _text(value):
    """Text that a spreadsheet would read as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _number(value: float | None) -> float | int | str:
    if value is None:
        return ""
    return int(value) if float(value).is_integer() else round(float(value), 1)


def _percent(share) -> float | str:
    value = share.value
    return "" if value is None else round(value * 100, 1)


def _suppression_note() -> str:
    return _("suppressed: fewer than %(n)s people, or would reveal such a cell") % {
        "n": SUPPRESS_BELOW
    }


def _about(evaluation: Evaluation) -> list[tuple[str, str]]:
    return [
        (_("Period"), f"{evaluation.date_from:%d.%m.%Y} – {evaluation.date_to:%d.%m.%Y}"),
        (_("Counselling centres"), "; ".join(c.name for c in evaluation.centres)),
        (_("Created on"), f"{timezone.localdate():%d.%m.%Y}"),
        (
            _("Figures as of"),
            f"{timezone.localtime(evaluation.as_of or timezone.now()):%d.%m.%Y %H:%M}",
        ),
        (
            _("Protection of small groups"),
            _(
                "Figures of fewer than %(n)s people are suppressed (%(mark)s), and so is "
                "one more figure wherever a total would reveal them. Ages are given in "
                "bands, nationalities in regions; no names or case numbers."
            )
            % {"n": SUPPRESS_BELOW, "mark": SUPPRESSED_MARK},
        ),
        *((table.title, table.note) for table in evaluation.tables() if table.note),
    ]


def _long_rows(table: Table):
    """(table, row, column, value, note) for every cell and share, suppression applied."""
    for row_code, row_label in table.rows:
        for column_code, column_label in table.columns:
            cell = table.cell(row_code, column_code)
            if cell.suppressed:
                yield (table.title, row_label, column_label, "", _suppression_note())
            else:
                yield (table.title, row_label, column_label, _number(cell.count), "")
        for share_code, share_label in table.share_columns:
            share = table.share(row_code, share_code)
            if share is None:
                continue
            label = f"{share_label} (%)"
            if share.suppressed:
                yield (table.title, row_label, label, "", _suppression_note())
            else:
                yield (table.title, row_label, label, _percent(share), "")


def to_csv(evaluation: Evaluation) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_("Table"), _("Row"), _("Column"), _("Value"), _("Note")])
    about = _("About this export")
    for label, text in _about(evaluation):
        writer.writerow([about, label, "", _text(text), ""])
    for table in evaluation.tables():
        writer.writerows([_text(value) for value in row] for row in _long_rows(table))
    return buffer.getvalue().encode("utf-8")


def _sheet_title(title: str) -> str:
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31]


def to_xlsx(evaluation: Evaluation) -> bytes:
    workbook = Workbook(write_only=True)
    about = workbook.create_sheet(_sheet_title(_("About this export")))
    for label, text in _about(evaluation):
        about.append([label, _text(text)])
    for table in evaluation.tables():
        sheet = workbook.create_sheet(_sheet_title(table.title))
        sheet.append([table.title])
        sheet.append(
            [table.row_title]
            + [label for _code, label in table.columns]
            + [f"{label} (%)" for _code, label in table.share_columns]
        )
        for row_code, row_label in table.rows:
            values = [row_label]
            for column_code, _label in table.columns:
                cell = table.cell(row_code, column_code)
                values.append(SUPPRESSED_MARK if cell.suppressed else _number(cell.count))
            for share_code, _label in table.share_columns:
                share = table.share(row_code, share_code)
                if share is None:
                    values.append("")
                else:
                    values.append(SUPPRESSED_MARK if share.suppressed else _percent(share))
            sheet.append(values)
        sheet.append([])
        if table.note:
            sheet.append([table.note])
        sheet.append([f"{SUPPRESSED_MARK}: {_suppression_note()}"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_evaluation(*, user: User, evaluation: Evaluation, fmt: str) -> ExportFile:
    """Suppress small cells, write the file and log the export for every centre in it."""
    if fmt not in FORMATS:
        raise ValueError(fmt)
    for table in evaluation.tables():
        table.suppress()
    content = to_csv(evaluation) if fmt == "csv" else to_xlsx(evaluation)
    period = f"{evaluation.date_from:%Y-%m-%d}_{evaluation.date_to:%Y-%m-%d}"
    detail = _("evaluation report %(format)s, %(start)s to %(end)s") % {
        "format": fmt.upper(),
        "start": f"{evaluation.date_from:%d.%m.%Y}",
        "end": f"{evaluation.date_to:%d.%m.%Y}",
    }
    with transaction.atomic():
        # Not about one person: the row names the centre whose figures left the system.
        AccessLog.objects.bulk_create(
            AccessLog(
                user=user,
                centre=centre,
                migrant=None,
                action=AccessAction.EXPORT,
                detail=detail[:300],
            )
            for centre in evaluation.centres
        )
    return ExportFile(
        content=content, content_type=FORMATS[fmt], filename=f"evaluation_{period}.{fmt}"
    )
