"""Reading a data drop as text, exactly as the analyst's spreadsheet shows it.

Every cell is read as a string first (never guessed by pandas), with the row
number Excel would show, so that each value can be parsed by the kind its
column declares in the contract and every problem can name file, row and
column. Encodings Excel really writes are handled here: UTF-8 with or without
a byte-order mark, and Windows-1252 ("St Mary’s" saved as "CSV" by Excel).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from govkit.data.cells import (  # noqa: F401 re-exported: the cell parsers, as before
    ParseError,
    normalise_header,
    parse_bool,
    parse_category,
    parse_cell,
    parse_count,
    parse_date,
    parse_number,
    parse_urn,
)
from govkit.data.contract import DOMAINS
from govkit.errors import Problem

HEADER_ROW = 1
# One file is read whole into memory: a file larger than any trust's data (or DfE's own
# national files, tens of MB) is refused before a byte is read, naming the limit.
MAX_FILE_ENV = "GOVKIT_MAX_FILE_MB"
DEFAULT_MAX_FILE_MB = 100
# A header wider than this is not a file of the contract (nor a DfE file, ~400 columns):
# refused on its first line rather than read as a million columns.
MAX_IMPORT_COLUMNS = 2000
# Sheets of govkit's own workbook (govkit template) that guide rather than hold data.
GUIDE_SHEETS = ("instructions", "lists")


@dataclass(frozen=True)
class Source:
    """Where one domain's rows are: a CSV, or a sheet of a workbook."""

    domain: str
    path: Path
    sheet: str | None = None  # None: a CSV, or the first sheet of <domain>.xlsx

    @property
    def label(self) -> str:
        """How problems name the file: census.csv, or trust.xlsx[census] for a sheet."""
        return f"{self.path.name}[{self.sheet}]" if self.sheet else self.path.name


@dataclass
class RawTable:
    """One domain's cells as text; the index is the spreadsheet row number."""

    source: Source
    frame: pd.DataFrame  # all str; index = row number as Excel shows it (header = 1)
    header: dict[str, str]  # normalised column name -> the header as written


def _ignored(path: Path) -> bool:
    # Hidden files, Excel's lock files (~$book.xlsx) and editor backups are not data.
    return path.name.startswith((".", "~$")) or path.name.endswith("~") or path.is_dir()


def find_sources(data_dir: Path) -> tuple[dict[str, Source], list[Problem]]:
    """Map each domain to its file (or sheet) in the drop; warn about anything unknown."""
    data_dir = Path(data_dir)
    problems: list[Problem] = []
    if not data_dir.is_dir():
        return {}, [Problem(str(data_dir), "data folder not found")]
    found: dict[str, list[Source]] = {}
    for path in sorted(data_dir.iterdir()):
        if _ignored(path):
            continue
        stem, suffix = path.stem.lower(), path.suffix.lower()
        if suffix in (".csv", ".xlsx") and stem in DOMAINS:
            found.setdefault(stem, []).append(Source(stem, path))
        elif suffix == ".xlsx":
            sheets, problem = _sheet_names(path)
            if problem:
                problems.append(problem)
                continue
            known = [s for s in sheets if s.strip().lower() in DOMAINS]
            if not known:
                problems.append(Problem(path.name, "no sheet is named after a domain ("
                                        + ", ".join(DOMAINS) + "); file ignored",
                                        severity="warning"))
            for s in sheets:
                if s.strip().lower() in DOMAINS:
                    name = s.strip().lower()
                    if sheets[s] <= HEADER_ROW:
                        # a sheet of a workbook holding its header at most (govkit
                        # template's, not filled in) is a domain not given: read as
                        # absent, so it never clashes with a file and the plan's coverage
                        # warning speaks for it
                        continue
                    found.setdefault(name, []).append(Source(name, path, s))
                elif known and s.strip().lower() not in GUIDE_SHEETS:
                    problems.append(Problem(f"{path.name}[{s}]", "sheet is not a domain of "
                                            "the data contract; ignored", severity="warning"))
        elif suffix in (".xls", ".ods", ".xlsm", ".txt", ".tsv"):
            problems.append(Problem(path.name, f"{suffix} files are not read: save it as "
                                    "CSV UTF-8 or .xlsx; file ignored", severity="warning"))
        else:
            problems.append(Problem(path.name, "not a file of the data contract (expected "
                                    "<domain>.csv or .xlsx); ignored", severity="warning"))
    sources: dict[str, Source] = {}
    for name, options in found.items():
        if len(options) > 1:
            problems.append(Problem(options[1].label, f"{name} is given more than once ("
                                    + ", ".join(o.label for o in options)
                                    + "): keep one"))
        sources[name] = options[0]
    return sources, problems


# A workbook is a zip of XML: its size on disk says little (a 2 MB file can hold 600 MB
# of sheet XML). What it unpacks to, and how many cells a sheet spans, are limited.
MAX_XLSX_UNPACKED = 3  # times the file limit (GOVKIT_MAX_FILE_MB)
MAX_CELLS = 5_000_000


def workbook_too_large(path: Path) -> Problem | None:
    """A problem if the workbook unpacks to more than govkit reads (a zip bomb)."""
    import zipfile

    limit = MAX_XLSX_UNPACKED * max_file_bytes()
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as e:
        return Problem(path.name, f"cannot be opened as an Excel workbook ({e})")
    if unpacked <= limit:
        return None
    return Problem(path.name, f"unpacks to {unpacked / 1e6:,.0f} MB of sheet data, more than "
                   f"govkit reads ({limit / 1e6:,g} MB: {MAX_XLSX_UNPACKED} times "
                   f"{MAX_FILE_ENV}): is it the right file?")


def _sheet_names(path: Path) -> tuple[dict[str, int], Problem | None]:
    """Each sheet's name and how many rows it spans (its recorded dimension)."""
    from openpyxl import load_workbook

    if big := workbook_too_large(path):
        return {}, big
    try:
        wb = load_workbook(path, read_only=True)
    except Exception as e:  # openpyxl raises many kinds on a damaged or disguised file
        return {}, Problem(path.name, f"cannot be opened as an Excel workbook ({e})")
    try:
        # no recorded dimension: count it as holding rows (never skipped unread)
        return {ws.title: HEADER_ROW + 1 if ws.max_row is None else ws.max_row
                for ws in wb.worksheets}, None
    finally:
        wb.close()


def max_file_bytes() -> int:
    """The largest file govkit reads (GOVKIT_MAX_FILE_MB, else 100 MB)."""
    from govkit.errors import ConfigError

    raw = os.environ.get(MAX_FILE_ENV, "").strip()
    try:
        mb = float(raw) if raw else DEFAULT_MAX_FILE_MB
    except ValueError:
        mb = -1.0
    if not mb > 0:
        raise ConfigError(f"{MAX_FILE_ENV}={raw!r}: give a number of MB above 0")
    return int(mb * 1_000_000)


def too_large(path: Path, label: str) -> Problem | None:
    """A problem naming the file and the limit if the file is larger than govkit reads."""
    import stat

    limit = max_file_bytes()
    try:
        st = path.stat()
    except OSError as e:
        return Problem(label, f"cannot be read: {e.strerror}")
    if not stat.S_ISREG(st.st_mode):  # /dev/zero, a FIFO: endless or blocking reads
        return Problem(label, "is not a regular file (a device or a pipe): give the file "
                       "itself")
    size = st.st_size
    if size <= limit:
        return None
    return Problem(label, f"is {size / 1e6:,.1f} MB, larger than govkit reads ({limit / 1e6:,g} "
                   f"MB, {MAX_FILE_ENV}): is it the right file? A trust's data for a term is "
                   "far smaller")


_UTF8_CHAR = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|"
                        rb"[\xf0-\xf4][\x80-\xbf]{3}")


def max_columns(source: Source, strict: bool = True) -> int:
    """The widest header read for ``source``: its domain's columns and as many again
    (unknown ones are warned about and ignored), or (``strict`` False: a publisher's file
    being imported) a DfE file's widest."""
    if strict and source.domain in DOMAINS:
        return 2 * len(DOMAINS[source.domain].schema.columns) + 20
    return MAX_IMPORT_COLUMNS


def wide_header(source: Source, width: int, row: int = HEADER_ROW,
                strict: bool = True) -> Problem | None:
    """A problem if the header is wider than ``source`` can hold: said at once."""
    limit = max_columns(source, strict)
    if width <= limit:
        return None
    what = (f"the {source.domain} file has {len(DOMAINS[source.domain].schema.columns)}"
            if limit != MAX_IMPORT_COLUMNS else "DfE's files have at most a few hundred")
    return Problem(source.label, f"the header has {width:,} columns; {what} (govkit reads at "
                   f"most {limit:,}): is this the right file?", row=row)


def _row_of(data: bytes, at: int) -> int:
    """The line number (from 1) of byte offset ``at``."""
    return data.count(b"\n", 0, at) + 1


def decode_csv_bytes(data: bytes, label: str) -> tuple[str | None, list[Problem]]:
    """Text of a CSV: UTF-8 (BOM or not), else Windows-1252 with a warning; never mojibake:
    a file mixing UTF-8 and Windows-1252 rows is refused, naming a row of each."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None, [Problem(label, "saved as UTF-16 'Unicode text': save it from Excel as "
                              "'CSV UTF-8 (Comma delimited)'")]
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:4096]
    if head and head.count(b"\x00") * 4 >= len(head):  # UTF-16 without a byte-order mark:
        return None, [Problem(label, "saved as UTF-16 'Unicode text' (no byte-order mark): "
                              "save it from Excel as 'CSV UTF-8 (Comma delimited)'")]
    nul = data.find(b"\x00")
    if nul >= 0:  # one stray NUL: a damaged file, not another encoding
        return None, [Problem(label, "holds a NUL byte (\\x00), which no text file has: the "
                              "file is damaged or not a CSV; save it again from Excel",
                              row=_row_of(data, nul))]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as e:
        first_bad = e.start
    for m in _UTF8_CHAR.finditer(data):  # UTF-8 beside it?
        try:
            m.group().decode("utf-8")
        except UnicodeDecodeError:
            continue
        return None, [Problem(
            label, f"mixes UTF-8 (row {_row_of(data, m.start())}) and Windows-1252 (row "
            f"{_row_of(data, first_bad)}) text: read as either, some names would come out "
            "wrong; save it again from Excel as 'CSV UTF-8 (Comma delimited)'",
            row=_row_of(data, first_bad))]
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        line = data[:first_bad].count(b"\n") + 1
        return None, [Problem(label, "is neither UTF-8 nor Windows-1252 text: save it from "
                              "Excel as 'CSV UTF-8 (Comma delimited)'", row=line)]
    line = data[:first_bad].count(b"\n") + 1
    return text, [Problem(label, "not UTF-8: read as Windows-1252 (Excel's 'CSV'); save as "
                          "'CSV UTF-8' to be sure of names like St Mary’s",
                          row=line, severity="warning")]


def _table(source: Source, rows: list[tuple[int, list[str]]], strict: bool = True
           ) -> tuple[RawTable | None, list[Problem]]:
    """Build a text frame from (row number, cells) pairs, the first being the header.

    ``strict``: a row with fewer cells than the header is an error (a data drop); else
    (a publisher's file, whose rows are often cut after the last published figure) its
    missing cells are read as blank, with one warning naming the rows."""
    problems: list[Problem] = []
    if not rows:
        return None, [Problem(source.label, "is empty: expected a header row")]
    header_row, header_cells = rows[0]
    if header_row != HEADER_ROW:
        problems.append(Problem(source.label, "the header must be on row 1", row=header_row))
    while header_cells and not str(header_cells[-1]).strip():
        header_cells = header_cells[:-1]
    names: list[str] = []
    header: dict[str, str] = {}
    for i, cell in enumerate(header_cells):
        name = normalise_header(cell)
        if not name:
            name = f"column_{i + 1}"
            problems.append(Problem(source.label, f"column {i + 1} has no header; ignored",
                                    row=header_row, severity="warning"))
        elif name in header:
            problems.append(Problem(source.label, f"column '{cell}' appears twice in the "
                                    "header", row=header_row, column=name))
        names.append(name)
        header.setdefault(name, str(cell).strip())
    width = len(names)
    data: list[list[str]] = []
    index: list[int] = []
    short: list[int] = []
    short_len: dict[int, int] = {}  # a short row's cell count -> how many rows have it
    for row_no, cells in rows[1:]:
        if not "".join(cells).strip():
            continue  # a blank line between rows is not a row of data
        if len(cells) == width:  # the usual row, quickly
            data.append(cells)
            index.append(row_no)
            continue
        extra = cells[width:]
        if any(c.strip() for c in extra):
            problems.append(Problem(source.label, f"row has {len(cells)} cells but the header "
                                    f"has {width}: a stray comma or an unquoted value?",
                                    row=row_no))
            continue
        if len(cells) < width:
            if not strict:
                short.append(row_no)
                short_len[len(cells)] = short_len.get(len(cells), 0) + 1
                data.append(cells + [""] * (width - len(cells)))
                index.append(row_no)
                continue
            problems.append(Problem(source.label, f"row has {len(cells)} cells but the header "
                                    f"has {width}: cut short, or a missing comma?",
                                    row=row_no))
            continue
        data.append(cells[:width])
        index.append(row_no)
    last = rows[-1] if len(rows) > 1 else None
    if not strict and last and short and short[-1] == last[0] and \
            short_len[len(last[1])] == 1:
        # a publisher's rows may stop after their last figure, but all alike; a last row
        # unlike any other is a download cut short (its last figure may be cut too)
        problems.append(Problem(source.label, f"the last row has {len(last[1])} of the "
                                f"header's {width} cells, unlike any other row: the file is "
                                "cut short (an interrupted download?); download it again",
                                row=last[0]))
    if short:
        problems.append(Problem(source.label, f"{len(short)} row(s) have fewer cells than the "
                                "header (row " + ", ".join(map(str, short[:10]))
                                + (" ..." if len(short) > 10 else "") + "): the missing cells "
                                "are read as blank", severity="warning"))
    frame = pd.DataFrame(data, columns=names, index=pd.Index(index, name="row"), dtype=str)
    for i in range(frame.shape[1]):  # each distinct text stripped once, not each cell
        codes, uniques = pd.factorize(frame.iloc[:, i], sort=False)
        stripped = [u.strip() for u in uniques]
        if stripped != list(uniques):
            frame.isetitem(i, pd.Series(np.asarray(stripped, dtype=object)[codes],
                                        index=frame.index, dtype=str))
    if names and len(set(names)) != len(names):
        frame = frame.loc[:, ~frame.columns.duplicated()]
    return RawTable(source, frame, header), problems


def read_csv_text(source: Source, text: str, strict: bool = True
                  ) -> tuple[RawTable | None, list[Problem]]:
    """Rows of CSV text, numbered as Excel numbers them (a quoted line break stays one row)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    try:
        for n, cells in enumerate(reader, start=1):
            if not rows:
                if not any(c.strip() for c in cells):
                    continue  # leading blank lines: the header is the first non-blank row
                width = len(cells)
                while width and not cells[width - 1].strip():
                    width -= 1  # Excel's trailing empty columns are not columns
                if wide := wide_header(source, width, n, strict):
                    return None, [wide]  # before reading a row of a million columns
            rows.append((n, cells))
    except csv.Error as e:
        return None, [Problem(source.label, f"not readable as CSV: {e}",
                              row=reader.line_num)]
    if rows and len(rows[0][1]) == 1:
        for sep, name in ((";", "semicolons"), ("\t", "tabs")):
            if sep in rows[0][1][0]:
                return None, [Problem(source.label, f"columns are separated by {name}, not "
                                      "commas: save it as 'CSV UTF-8 (Comma delimited)'",
                                      row=rows[0][0])]
    return _table(source, rows, strict)


def _cell_text(value: object, number_format: str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float):
        if number_format and "%" in number_format:
            return f"{value * 100:g}%"  # shown as 53% in Excel: say so, do not read 0.53
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return repr(value) if isinstance(value, float) else str(value)
    return str(value)


def _formulas(source: Source) -> dict[tuple[int, int], str]:
    """(row, column) -> formula of each formula cell of the sheet (streamed)."""
    from openpyxl import load_workbook

    wb = load_workbook(source.path, read_only=True, data_only=False)
    try:
        ws = wb[source.sheet] if source.sheet else wb.worksheets[0]
        return {(n, i): c.value for n, cells in enumerate(ws.iter_rows(min_row=1), start=1)
                for i, c in enumerate(cells, start=1)
                if isinstance(c.value, str) and c.value.startswith("=")}
    finally:
        wb.close()


def read_xlsx(source: Source) -> tuple[RawTable | None, list[Problem]]:
    """Rows of one sheet (the named one, or the first), cell values as Excel shows them:
    streamed, within limits (what the workbook unpacks to, the cells a sheet spans); a
    formula Excel never saved a value for, and a hidden sheet, are named."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if big := workbook_too_large(source.path):
        return None, [big]
    try:
        wb = load_workbook(source.path, read_only=True, data_only=True)
    except Exception as e:  # a damaged or disguised file
        return None, [Problem(source.label, f"cannot be opened as an Excel workbook ({e})")]
    problems: list[Problem] = []
    try:
        ws = wb[source.sheet] if source.sheet else wb.worksheets[0]
        if ws.sheet_state != "visible":
            problems.append(Problem(source.label, f"the sheet '{ws.title}' is hidden in the "
                                    "workbook: read all the same; unhide it to see what "
                                    "govkit reads", severity="warning"))
        span = (ws.max_row or 0) * (ws.max_column or 0)
        if span > MAX_CELLS:
            return None, [Problem(source.label, f"the sheet spans {ws.max_row:,} rows by "
                                  f"{ws.max_column:,} columns, more than govkit reads "
                                  f"({MAX_CELLS:,} cells): is it the right file?")]
        rows = [(n, [_cell_text(c.value, getattr(c, "number_format", None)) for c in cells])
                for n, cells in enumerate(ws.iter_rows(min_row=1), start=1)]
    finally:
        wb.close()
    while rows and not any(c.strip() for c in rows[0][1]):
        rows.pop(0)
    head = rows[0][1] if rows else []
    blank = {(n, i) for n, cells in rows for i, c in enumerate(cells, start=1) if c == ""}
    if blank:
        for (n, i), formula in _formulas(source).items():
            if (n, i) in blank:
                problems.append(Problem(
                    source.label, f"a formula ({formula[:60]}) with no value saved: open "
                    "the workbook in Excel and save it, so the value is stored with it",
                    row=n, column=normalise_header(head[i - 1]) if i <= len(head) and
                    head[i - 1].strip() else get_column_letter(i)))
    if any(p.severity == "error" for p in problems):
        return None, problems
    table, more = _table(source, rows)
    return table, problems + more


def read_source(source: Source) -> tuple[RawTable | None, list[Problem]]:
    """Read one domain's file or sheet as text, with problems found on the way."""
    if big := too_large(source.path, source.path.name):
        return None, [big]
    if source.path.suffix.lower() == ".xlsx":
        return read_xlsx(source)
    try:
        data = source.path.read_bytes()
    except OSError as e:
        return None, [Problem(source.label, f"cannot be read: {e.strerror}")]
    text, problems = decode_csv_bytes(data, source.label)
    if text is None:
        return None, problems
    table, more = read_csv_text(source, text)
    return table, problems + more
