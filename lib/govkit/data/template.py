"""An Excel workbook for what DfE does not publish: one sheet per domain of the contract.

Written from the contract itself, so the workbook and the validator can never
disagree: each sheet's header is the domain's columns, each header cell carries
a note saying what the column means, and Excel's own data validation (openpyxl's
DataValidation, not a hand-rolled check) keeps whole numbers whole, percentages
within range, and URNs, terms and categories to drop-down lists of the trust's
own schools and terms. An ``instructions`` sheet says how to fill it in; the
lists live on a hidden ``lists`` sheet. Saved into the data folder, the workbook
is read by ``govkit validate`` sheet by sheet, problems named
``trust-data.xlsx[workforce]:row:column``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandera.pandas as pa
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from govkit.config import Trust
from govkit.data.contract import DOMAINS, IMPORTED_ONLY
from govkit.data.readers import GUIDE_SHEETS
from govkit.files import replacing

# Filled from DfE's files (govkit import) or trust.yaml, so not in the workbook.
FROM_DFE = ("schools", "census", "attainment", *IMPORTED_ONLY)
INSTRUCTIONS, LISTS = GUIDE_SHEETS  # sheets the reader skips
ROWS = 2000  # rows the validation covers below the header


def template_domains() -> list[str]:
    return [name for name in DOMAINS if name not in FROM_DFE]


def _bounds(col: pa.Column) -> tuple[float | None, float | None]:
    lo = hi = None
    for check in col.checks:
        stats = check.statistics or {}
        if "min_value" in stats:
            lo = stats["min_value"]
        if "max_value" in stats:
            hi = stats["max_value"]
    return lo, hi


def _validation(col: pa.Column, lists: dict[str, str]) -> DataValidation | None:
    """Excel's own check for a contract column (None where Excel has none to give)."""
    kind = col.metadata["kind"]
    lo, hi = _bounds(col)
    blank = bool(col.nullable)
    if kind in ("urn", "term"):
        return DataValidation(type="list", formula1=lists[kind], allow_blank=blank,
                              error=f"choose one of the trust's {kind}s from the list",
                              errorTitle="Not in the list", showErrorMessage=True)
    if kind == "category" or kind == "bool":
        values = col.metadata.get("values") or ["yes", "no"]
        return DataValidation(type="list", formula1='"' + ",".join(values) + '"',
                              allow_blank=blank, showErrorMessage=True,
                              error="one of: " + ", ".join(values), errorTitle="Not allowed")
    if kind == "date":
        return DataValidation(type="date", operator="greaterThan", formula1="36526",
                              allow_blank=blank, showErrorMessage=True,
                              error="a date (dd/mm/yyyy) after 1 January 2000",
                              errorTitle="Not a date")
    if kind in ("count", "number", "money", "score"):
        whole = kind == "count"
        lo = 0 if lo is None and kind != "score" else lo
        if lo is None:
            return None
        words = "a whole number" if whole else "a number"
        if hi is None:
            return DataValidation(type="whole" if whole else "decimal",
                                  operator="greaterThanOrEqual", formula1=str(lo),
                                  allow_blank=blank, showErrorMessage=True,
                                  error=f"{words}, {lo:g} or more", errorTitle="Out of range")
        return DataValidation(type="whole" if whole else "decimal", operator="between",
                              formula1=str(lo), formula2=str(hi), allow_blank=blank,
                              showErrorMessage=True,
                              error=f"{words} from {lo:g} to {hi:,g}", errorTitle="Out of range")
    return None


def build_template(trust: Trust) -> Workbook:
    """The workbook for ``trust``: instructions, one sheet per domain, hidden lists."""
    wb = Workbook()
    guide = wb.active
    guide.title = INSTRUCTIONS
    lists = wb.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    lists.append(["urn", "school", "term"])
    for i in range(max(len(trust.schools), len(trust.terms))):
        s = trust.schools[i] if i < len(trust.schools) else None
        for col, value in enumerate((s.urn if s else None, s.name if s else None,
                                     trust.terms[i] if i < len(trust.terms) else None), 1):
            _put(lists, i + 2, col, value)
    refs = {"urn": f"{quote_sheetname(LISTS)}!$A$2:$A${len(trust.schools) + 1}",
            "term": f"{quote_sheetname(LISTS)}!$C$2:$C${len(trust.terms) + 1}"}
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE7F0")
    for name in template_domains():
        domain = DOMAINS[name]
        ws = wb.create_sheet(name)
        # a column only an import writes (source) has no place in the trust's own sheet
        columns = [(c, col) for c, col in domain.schema.columns.items()
                   if not col.metadata.get("imported")]
        for i, (column, col) in enumerate(columns, start=1):
            cell = ws.cell(row=1, column=i, value=column)
            cell.font, cell.fill = bold, head_fill
            needed = "optional" if col.nullable else "required"
            cell.comment = Comment(f"{col.description} ({needed})", "govkit", width=300,
                                   height=110)
            ws.column_dimensions[get_column_letter(i)].width = max(12, len(column) + 4)
            dv = _validation(col, refs)
            if dv is not None:
                letter = get_column_letter(i)
                dv.add(f"{letter}2:{letter}{ROWS + 1}")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
    _instructions(guide, trust)
    return wb


def _put(ws: Any, row: int, column: int, value: object) -> Any:
    """A cell holding ``value`` as written: text from the trust's names is a text cell
    (``data_type`` "s"), never a formula Excel would run (``=WEBSERVICE(...)``)."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
    return cell


def _instructions(ws: Any, trust: Trust) -> None:
    lines = [
        f"{trust.name}: the trust's own data for govkit",
        "",
        "One sheet per kind of data DfE does not publish. Row 1 of each sheet is the header: "
        "keep it as it is. Hover over a header for what the column means.",
        "Add one row per school and term (or per meeting, checklist item, risk, survey "
        "statement). Choose URNs and terms from the drop-down lists.",
        "Leave a sheet you have nothing for empty: govkit warns which reports will then "
        "show no data. Counts are whole numbers; money is in pounds; dates dd/mm/yyyy.",
        "Results, the census and the school list come from DfE's files: `govkit import`.",
        "Save this workbook in the data folder and run `govkit validate`: a problem is "
        "named as trust-data.xlsx[sheet]:row:column.",
        "",
        "URN", "",
    ]
    for i, text in enumerate(lines, start=1):
        _put(ws, i, 1, text)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    row = len(lines) - 1
    ws.cell(row=row, column=1).font = Font(bold=True)
    ws.cell(row=row, column=2, value="school").font = Font(bold=True)
    ws.cell(row=row, column=3, value="phase").font = Font(bold=True)
    for s in trust.schools:
        row += 1
        _put(ws, row, 1, s.urn)
        _put(ws, row, 2, s.name)
        _put(ws, row, 3, s.phase)
    row += 2
    ws.cell(row=row, column=1, value="terms").font = Font(bold=True)
    _put(ws, row, 2, ", ".join(trust.terms))
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 60


def write_template(trust: Trust, path: str | Path) -> Path:
    """Write the workbook atomically (a half-written .xlsx is a broken one)."""
    path = Path(path)
    with replacing(path, binary=True) as f:
        build_template(trust).save(f)
    return path
