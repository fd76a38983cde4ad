"""docs/data-contract.md, generated from the pandera schemas so it cannot drift from them."""

from __future__ import annotations

from pathlib import Path

import pandera.pandas as pa

from govkit.data.contract import DOMAINS, INDICATORS, SCORE_INDICATORS, Domain
from govkit.files import write_atomic

KIND_TEXT = {
    "urn": "URN (six digits, a school of trust.yaml)",
    "term": "term id (2024-25-autumn, a term of trust.yaml)",
    "academic_year": "academic year (2023-24)",
    "count": "whole number (1,234 allowed)",
    "number": "number",
    "money": "amount in GBP (£ and 1,234 allowed)",
    "score": "number (may be negative)",
    "category": "one of the values listed",
    "text": "text",
    "date": "date dd/mm/yyyy (or yyyy-mm-dd)",
    "bool": "yes/no",
}

INTRO = """\
# The data contract

Generated from the schemas in `lib/govkit/data/contract.py` by `govkit contract-docs`;
do not edit by hand (a test fails if this file and the schemas differ).

A data drop is a folder with one file per domain below: `<domain>.csv`,
`<domain>.xlsx` (its first sheet), or one workbook `*.xlsx` whose sheets are
named after the domains. Check one with `govkit validate DATA_DIR`: it prints
every problem as `file:row:column: message` (row as Excel shows it, the header
is row 1) and exits 2 if there is any error.

Where the files come from: `govkit import` writes `attainment.csv`, `census.csv`
and `finance.csv` from DfE's own files as downloaded (KS2 and KS4 performance
tables, the performance tables' census and CFR files); a row the trust gives itself
has no `source`: its own census and finance rows are kept, DfE's January census and CFR
filling only the terms and schools they do not give, and its own results are replaced
by DfE's row for the same key, the import naming each; the school roster is
`params/trust.yaml`'s (so `schools.csv` is optional); `govkit template` writes a
workbook (`trust-data.xlsx`) with a sheet for each of the other domains, header
notes and Excel's own validation. No file is required: a missing one is read as
no rows, and `govkit validate` warns which of the plan's KPIs it leaves without
data. A file with a header but no rows is a warning; `govkit run` stops on one
the plan needs.

How cells are read:

- CSV as UTF-8 (with or without Excel's byte-order mark); Windows-1252 text
  (Excel's plain "CSV") is read with a warning. Headers match whatever their
  case or spacing; stray spaces around values are ignored.
- A blank cell is a missing value. Columns marked "may be left out" can be
  absent from the file altogether.
- Dates are dd/mm/yyyy (31/12/2024) or yyyy-mm-dd; 12/31/2024 is refused.
- Numbers may have thousands separators (1,234) but not decimal commas (1,2);
  a count is a whole number and never a percentage (53% is refused).
- Yes/no columns take yes/no, y/n, true/false or 1/0.
- Unknown columns and files are reported as warnings and ignored.
- Every row must have as many cells as the header (a row cut short is an error).
- A value no school can have is an error (the range is in the table below); one
  few schools have is a warning ("warns above").
"""


def _md(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _rules(col: pa.Column) -> str:
    out = []
    for check in col.checks:
        stats = check.statistics or {}
        name = check.name or ""
        if name == "in_range":
            out.append(f"{stats.get('min_value'):g} to {stats.get('max_value'):,g}")
        elif name == "greater_than_or_equal_to":
            out.append(f">= {stats.get('min_value')}")
        elif name == "isin":
            out.append(", ".join(f"`{v}`" for v in stats.get("allowed_values", [])))
        elif name == "str_matches":
            out.append(f"matches `{stats.get('pattern')}`")
        else:
            out.append(name)
    if col.metadata.get("plausible") is not None:
        out.append(f"warns above {col.metadata['plausible']:,g}")
    return "; ".join(out)


def _domain_section(d: Domain) -> list[str]:
    lines = [f"## {d.name}", "", _md(d.schema.description or d.about), ""]
    lines.append(f"- File: `{d.name}.csv` or `{d.name}.xlsx` "
                 + ("(**required**)" if d.required else "(optional: a missing file is "
                    "read as no rows)"))
    period = {"term": "one set of rows per term", "academic_year": "one set of rows per "
              "academic year (results belong to that year's summer term)",
              "none": "not by term"}[d.period]
    lines.append(f"- Rows: {period}")
    lines.append("- Key (each combination once): " + ", ".join(f"`{k}`" for k in d.key))
    for check in d.schema.checks:
        parts = (check.name or "").split(":")
        if parts[0] == "not_more_than":
            lines.append(f"- Rule: `{parts[1]}` may not be more than `{parts[2]}`")
        else:
            lines.append(f"- Rule: {_md(check.error or check.name)}")
    lines += ["", "| column | kind | blank allowed | may be left out | allowed | description |",
              "|---|---|---|---|---|---|"]
    for name, col in d.schema.columns.items():
        kind = col.metadata["kind"]
        lines.append(f"| `{name}` | {_md(KIND_TEXT.get(kind, kind))} | "
                     f"{'yes' if col.nullable else 'no'} | {'no' if col.required else 'yes'} | "
                     f"{_md(_rules(col))} | {_md(col.description or '')} |")
    if d.name == "attainment":
        lines += ["", "Indicators by key stage (score indicators fill `score`, the others "
                  "`cohort` and `pupils`):", ""]
        for ks, inds in INDICATORS.items():
            shown = ", ".join(f"`{i}`" + (" (score)" if i in SCORE_INDICATORS else "")
                              for i in inds)
            lines.append(f"- {ks}: {shown}")
        lines += ["", "A count indicator needs `pupils` or a `status`; a score indicator "
                  "needs `score` or a `status`. `govkit import-ks2` fills this file from "
                  "DfE's KS2 performance tables, keeping DfE's own code in `note`."]
    return lines + [""]


def render() -> str:
    """The whole contract as Markdown, from the schema objects in govkit.data.contract."""
    lines = [INTRO, "Domains: " + ", ".join(f"[{n}](#{n})" for n in DOMAINS) + ".", ""]
    for d in DOMAINS.values():
        lines += _domain_section(d)
    return "\n".join(lines).rstrip() + "\n"


def write(path: str | Path) -> Path:
    """Write render() to ``path`` atomically."""
    return write_atomic(path, render())
