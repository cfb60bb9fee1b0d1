"""Tables of counted figures, and the small-cell suppression applied before export.

Every cell knows how many different people stand behind it. A cell of 1 to 4 people is
suppressed (primary suppression). Where a row or column adds up to a published total, a
single suppressed cell could be worked out by subtraction, so the next smallest cell of
that line is suppressed as well (secondary suppression), until no line has exactly one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.formats import number_format

SUPPRESS_BELOW = 5
SUPPRESSED_MARK = "x"

Figures = dict[str, float]  # additive counts of one centre or the sum of several


def add_figures(figures: Figures, row: dict, prefix: str = "") -> None:
    for name, value in row.items():
        if value:
            figures[prefix + name] = figures.get(prefix + name, 0) + value


def format_count(cell: Cell) -> str:
    if cell.suppressed:
        return SUPPRESSED_MARK
    if cell.count is None:
        return "–"
    if float(cell.count).is_integer():
        return number_format(int(cell.count), force_grouping=True)
    return number_format(cell.count, 1)


def format_share(share: Share) -> str:
    if share.suppressed:
        return SUPPRESSED_MARK
    value = share.value
    return "–" if value is None else f"{number_format(value * 100, 1)} %"


@dataclass
class Cell:
    count: float | None  # a number of things (or an average for "value" cells)
    people: int  # distinct people behind the count; decides suppression
    suppressed: bool = False

    @property
    def is_small(self) -> bool:
        return 0 < self.people < SUPPRESS_BELOW


@dataclass
class Share:
    """sum(numerators) / sum(denominators); hidden when any of the cells is hidden."""

    numerators: list[Cell]
    denominators: list[Cell]

    @property
    def value(self) -> float | None:
        whole = sum(c.count or 0 for c in self.denominators)
        if not whole:
            return None
        return sum(c.count or 0 for c in self.numerators) / whole

    @property
    def suppressed(self) -> bool:
        return any(c.suppressed for c in [*self.numerators, *self.denominators])


@dataclass
class Table:
    key: str  # stable, for file names and sheet names
    title: str
    row_title: str
    columns: list[tuple[str, str]]  # (code, label)
    rows: list[tuple[str, str]] = field(default_factory=list)
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    # (share code, label) -> per row code: Share
    share_columns: list[tuple[str, str]] = field(default_factory=list)
    shares: dict[tuple[str, str], Share] = field(default_factory=dict)
    # Lines whose parts add up to a published total: ([part keys], total key).
    lines: list[tuple[list[tuple[str, str]], tuple[str, str]]] = field(default_factory=list)
    # How the table counts, where its title cannot say it: shown below it and exported.
    note: str = ""

    def cell(self, row: str, column: str) -> Cell:
        return self.cells[(row, column)]

    def share(self, row: str, column: str) -> Share | None:
        return self.shares.get((row, column))

    def display_rows(self) -> list[dict]:
        """Rows as the page shows them: formatted figures, suppression marks included."""
        return [
            {
                "code": code,
                "label": label,
                "values": [
                    (column, format_count(self.cell(code, column))) for column, _l in self.columns
                ],
                "shares": [
                    (column, format_share(share) if (share := self.share(code, column)) else "")
                    for column, _l in self.share_columns
                ],
            }
            for code, label in self.rows
        ]

    def add_totals(
        self,
        total_row: tuple[str, str],
        total_column: tuple[str, str],
        people: dict[tuple[str, str], int] | None = None,
    ) -> None:
        """Add a total column and row and register every row and column as an additive
        line. Counts are summed; people too, unless `people` gives the distinct number
        for a total (where one person can stand in several cells of a line)."""
        row_codes = [code for code, _label in self.rows]
        column_codes = [code for code, _label in self.columns]
        total_row_code, total_column_code = total_row[0], total_column[0]
        for row in row_codes:
            parts = [(row, column) for column in column_codes]
            self.cells[(row, total_column_code)] = _sum(self.cells[key] for key in parts)
            self.lines.append((parts, (row, total_column_code)))
        for column in [*column_codes, total_column_code]:
            parts = [(row, column) for row in row_codes]
            self.cells[(total_row_code, column)] = _sum(self.cells[key] for key in parts)
            self.lines.append((parts, (total_row_code, column)))
        for key, distinct in (people or {}).items():
            self.cells[key].people = distinct
        self.rows.append(total_row)
        self.columns.append(total_column)

    def suppress(self) -> Table:
        """Mark small cells and their complements as suppressed (in place)."""
        for cell in self.cells.values():
            cell.suppressed = cell.is_small
        changed = True
        while changed:
            changed = False
            for parts, total in self.lines:
                members = [self.cells[key] for key in [*parts, total]]
                hidden = [cell for cell in members if cell.suppressed]
                if len(hidden) != 1:
                    continue
                candidates = [
                    self.cells[key]
                    for key in parts
                    if not self.cells[key].suppressed and (self.cells[key].count or 0) > 0
                ]
                if candidates:
                    min(candidates, key=lambda c: (c.people, c.count)).suppressed = True
                elif not self.cells[total].suppressed:
                    self.cells[total].suppressed = True
                else:  # pragma: no cover - a lone hidden total with nothing to pair
                    continue
                changed = True
        return self


def _sum(cells) -> Cell:
    cells = list(cells)
    return Cell(
        count=sum(c.count or 0 for c in cells),
        people=sum(c.people for c in cells),
    )
