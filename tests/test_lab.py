"""Leaders in JupyterLab: what one kernel shows after the data changes, and what a leader's
own cells make of the page governors get.
"""

from __future__ import annotations

import os
import platform
import shutil
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from typer.testing import CliRunner

from govkit.batch.matrix import REPORTS
from govkit.cli import app
from govkit.reports import context

ROOT = Path(__file__).resolve().parents[1]
RIVERSTONE = 148231  # Riverstone High School, a secondary of the demo trust
LATEST = "2024-25-summer"


def _attendance(drop: Path) -> str:
    """Riverstone's attendance this term as the report words it, worked out from the CSV
    by hand: sessions attended over sessions possible, all pupils, one decimal."""
    a = pd.read_csv(drop / "attendance.csv")
    rows = a[(a["urn"] == RIVERSTONE) & (a["term"] == LATEST) & (a["pupil_group"] == "all")]
    rate = 100 * (1 - rows["sessions_absent"].sum() / rows["sessions_possible"].sum())
    return f"Riverstone High School: Attendance {rate:.1f}% in Summer 2025"


def _triple_absences(drop: Path) -> None:
    a = pd.read_csv(drop / "attendance.csv")
    mine = a["urn"] == RIVERSTONE
    a.loc[mine, "sessions_absent"] = (a.loc[mine, "sessions_absent"] * 3).clip(
        upper=a.loc[mine, "sessions_possible"])
    a.to_csv(drop / "attendance.csv", index=False)


def _open(drop: Path, store: Path) -> context.Context:
    """What the priority notebook's set-up cell does, in this one process (one kernel)."""
    return context.open_report(ROOT / "params", drop, store, None, RIVERSTONE, "board",
                               "education")


def test_one_kernel_reopened_on_other_data_reads_the_new_data(tmp_path, capsys):
    """The issue's scenario: the demo, then a copy with Riverstone's absences tripled, then
    that copy edited in place; each reopening shows its own data, as a new kernel would."""
    demo = ROOT / "data" / "demo"
    store = tmp_path / "govkit.duckdb"
    ctx = _open(demo, store)
    assert context.headline(ctx, "attendance_rate") == _attendance(demo)

    copy = tmp_path / "tripled"
    shutil.copytree(demo, copy)
    _triple_absences(copy)
    assert _attendance(copy) != _attendance(demo)
    ctx = _open(copy, store)  # the earlier context still holds its connection
    assert "rebuilding it from" in capsys.readouterr().out
    assert context.headline(ctx, "attendance_rate") == _attendance(copy)
    row = context.kpis(ctx).set_index("measure").loc["attendance_rate"]
    assert f"{row['value']:.1f}" in _attendance(copy)

    # a leader puts the figures back in the copy's CSV (later than the store was built)
    shutil.copy(demo / "attendance.csv", copy / "attendance.csv")
    later = store.stat().st_mtime + 1
    os.utime(copy / "attendance.csv", (later, later))
    ctx = _open(copy, store)
    assert "changed since it was built" in capsys.readouterr().out
    assert context.headline(ctx, "attendance_rate") == _attendance(demo)


# --- a leader's own chart reaches the page the batch writes -------------------------------

LEADER_CELLS = [
    "## Our own charts",
    "import matplotlib.pyplot as plt\n"
    "plt.plot([1, 2, 3], [95.1, 94.2, 96.0])\n"
    "plt.title(\"LEADER-PLOT attendance by week\")\n"
    "plt.show()",
    "import pandas as pd\n"
    "pd.Series([3, 1, 2], index=[\"Y7\", \"Y8\", \"Y9\"]).plot.bar(\n"
    "    title=\"LEADER-PANDAS suspensions by year\")",
    "context.preview(ctx)  # in Lab: the page governors get; in the batch: nothing",
]


class _Images(HTMLParser):
    """Every image's alt text, and the headings before it."""

    def __init__(self) -> None:
        super().__init__()
        self.images: list[tuple[str, str | None]] = []
        self._heading = ""
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        if tag in ("h1", "h2", "h3"):
            self._in_heading, self._heading = True, ""
        if tag == "img":
            self.images.append((self._heading.strip(), dict(attrs).get("alt")))

    def handle_endtag(self, tag):
        if tag in ("h1", "h2", "h3"):
            self._in_heading = False

    def handle_data(self, data):
        if self._in_heading:
            self._heading += data


@pytest.fixture(scope="module")
def leaders_notebooks(tmp_path_factory) -> Path:
    """notebooks/mine/ as a leader leaves it: priority.ipynb with two charts of her own."""
    folder = tmp_path_factory.mktemp("mine")
    nb = nbformat.read(ROOT / "notebooks" / "priority.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_markdown_cell(LEADER_CELLS[0]))
    nb.cells += [nbformat.v4.new_code_cell(src) for src in LEADER_CELLS[1:]]
    nbformat.write(nb, folder / "priority.ipynb")
    return folder


@pytest.fixture(scope="module")
def batch_pages(tmp_path_factory, leaders_notebooks) -> dict[str, Path]:
    """`govkit run --notebooks notebooks/mine` for Riverstone's education priority, with
    forked kernels and without: the page each wrote."""
    pages = {}
    for fork in ("--fork", "--no-fork"):
        out = tmp_path_factory.mktemp(fork.strip("-"))
        result = CliRunner().invoke(app, [
            "run", "--params", str(ROOT / "params"), "--data", str(ROOT / "data" / "demo"),
            "--out", str(out), "--term", LATEST, "--school", str(RIVERSTONE),
            "--report", "priority-education", "--notebooks", str(leaders_notebooks), fork])
        assert result.exit_code == 0, result.output
        pages[fork] = out / LATEST / str(RIVERSTONE) / "priority-education.html"
    return pages


@pytest.mark.parametrize("fork", ["--fork", "--no-fork"])
def test_a_leaders_own_charts_reach_the_batch_page(batch_pages, fork):
    """Forked kernels or not: her matplotlib and pandas charts are on the page, each as an
    image with its title as alt text."""
    page = _Images()
    page.feed(batch_pages[fork].read_text())
    hers = [alt for heading, alt in page.images if heading == "Our own charts"]
    assert hers == ["LEADER-PLOT attendance by week", "LEADER-PANDAS suspensions by year"]
    assert len(page.images) > 2  # the report's own charts are still there
    assert "Preview" not in batch_pages[fork].read_text()  # her preview cell: no output


def test_preview_from_her_notebook_is_the_batch_page(tmp_path, leaders_notebooks,
                                                     batch_pages, capsys):
    """context.preview(ctx) in her notebook writes what `govkit run` writes, and says where."""
    ctx = _open(ROOT / "data" / "demo", tmp_path / "govkit.duckdb")
    capsys.readouterr()
    page = context.preview(ctx, leaders_notebooks / "priority.ipynb")
    assert page == tmp_path / "preview" / LATEST / str(RIVERSTONE) / "priority-education.html"
    assert "Preview written" in capsys.readouterr().out
    assert page.read_text() == batch_pages["--no-fork"].read_text()


def test_preview_says_what_is_wrong_in_one_line(tmp_path):
    result = CliRunner().invoke(app, ["preview", str(ROOT / "notebooks" / "explore.ipynb"),
                                      "--params", str(ROOT / "params")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"explore.ipynb is not one of the reports ({', '.join(REPORTS)}); name the report "
        "it builds, e.g. --report priority"]


def test_a_leaders_chart_is_described_by_its_title_else_its_axes():
    from matplotlib.figure import Figure

    from govkit.reports.blocks import figure_alt

    fig = Figure()
    ax = fig.add_subplot()
    assert figure_alt(fig) == "Chart"
    ax.set_xlabel("Term")
    ax.set_ylabel("Attendance (%)")
    assert figure_alt(fig) == "Chart of Attendance (%) by Term"
    ax.set_title("Attendance by term")
    assert figure_alt(fig) == "Attendance by term"
    fig.suptitle("Riverstone")
    assert figure_alt(fig) == "Riverstone; Attendance by term"


# --- a leader's copies: made once, never collected by the tests ---------------------------

def test_copy_notebooks_makes_her_copies_once_and_never_overwrites(tmp_path):
    mine = tmp_path / "mine"
    args = ["copy-notebooks", "--params", str(ROOT / "params"), "--to", str(mine)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    shipped = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert sorted(p.name for p in mine.glob("*.ipynb")) == shipped
    (mine / "priority.ipynb").write_text("{}")  # her edit
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0 and "kept as they are" in again.output
    assert (mine / "priority.ipynb").read_text() == "{}"


def test_pytest_never_collects_a_leaders_copies():
    """A notebook in notebooks/mine/ that would fail if run is not a test of the project."""
    import subprocess
    import sys
    import uuid

    mine = ROOT / "notebooks" / "mine"
    made = not mine.exists()
    mine.mkdir(exist_ok=True)
    broken = mine / f"broken-{uuid.uuid4().hex[:8]}.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 / 0")])
    nbformat.write(nb, broken)
    try:
        run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p",
                              "no:xdist", "notebooks"], cwd=ROOT, capture_output=True,
                             text=True, timeout=120)
    finally:
        broken.unlink()
        if made:
            mine.rmdir()
    assert run.returncode == 0, run.stdout + run.stderr
    assert "priority.ipynb" in run.stdout and broken.name not in run.stdout


def test_a_notebook_opens_with_its_kernels_metadata():
    """What Lab's kernel gives a notebook when it starts is already there, so opening it
    does not mark it modified; the save tidies it back."""
    from govkit.reports.notebook_tidy import kernel_metadata, tidy

    stored = nbformat.read(ROOT / "notebooks" / "explore.ipynb", as_version=4)
    served = kernel_metadata(nbformat.from_dict(stored))
    assert served.metadata.kernelspec.display_name == "Python 3 (ipykernel)"
    assert served.metadata.language_info["version"] == platform.python_version()
    assert tidy(served) == stored


# --- explore.ipynb: a leader's workbench ---------------------------------------------------

THORNWICK = 148192  # a primary school of the demo trust


@pytest.fixture(scope="module")
def demo_ctx(tmp_path_factory) -> context.Context:
    return context.open_report(ROOT / "params", ROOT / "data" / "demo",
                               tmp_path_factory.mktemp("explore") / "govkit.duckdb")


def test_a_misspelt_measure_or_unknown_urn_is_one_line_with_the_valid_ids(demo_ctx):
    from govkit.errors import ConfigError
    from govkit.reports import explore

    with pytest.raises(ConfigError) as wrong:
        context.series(demo_ctx, "attendence_rate", urn=THORNWICK)
    line = wrong.value.lines()
    assert len(line) == 1 and "did you mean 'attendance_rate'?" in line[0]
    assert "persistent_absence" in line[0]  # the valid ids, listed
    with pytest.raises(ConfigError) as wrong:
        explore.school_series(demo_ctx, "attendance_rate", 999999)
    line = wrong.value.lines()
    assert len(line) == 1 and "148192 Thornwick Green CE Primary School" in line[0]


def test_charts_use_the_plans_targets(demo_ctx):
    """plan.yaml: attendance target national + 0.5; national 2023-24 primary 94.5%,
    secondary 91.1% (DfE), so 95.0 and 91.6."""
    from govkit.reports import explore

    assert explore.target(demo_ctx, "attendance_rate", THORNWICK) == pytest.approx(95.0)
    assert explore.target(demo_ctx, "attendance_rate", RIVERSTONE) == pytest.approx(91.6)
    assert explore.target(demo_ctx, "unauthorised_absence", THORNWICK) is None  # no KPI
    chart = explore.trend(demo_ctx, "attendance_rate", THORNWICK)
    assert "Target: 95.0%." in chart.alt


def test_the_kpi_table_shows_what_the_page_shows(demo_ctx, batch_pages):
    """Riverstone's attendance row: value, change and its basis as on its built page."""
    from govkit.reports import explore

    table = explore.kpi_table(demo_ctx, urn=RIVERSTONE, priority="education")
    row = table.set_index("Measure").loc["Attendance"]
    assert list(table.columns[:3]) == ["Priority", "Measure", "Value"]
    assert row["Change"].endswith("on same term last year")
    assert row["Rating"] in ("Green", "Amber", "Red")
    page = batch_pages["--no-fork"].read_text()
    for cell in ("Value", "Target", "Change", "National"):
        assert f">{row[cell]}<" in page, (cell, row[cell])


def test_school_by_school_is_rounded_as_shown_and_downloads(demo_ctx, capsys):
    import base64
    import io
    import re

    from govkit.reports import explore

    table = explore.school_by_school(demo_ctx, ["attendance_rate"])
    assert len(table) == 12
    assert all(round(v, 1) == v for v in table["attendance_rate"].dropna())
    explore.download_buttons(table, "schools")
    shown = capsys.readouterr().out
    assert "CSV and Excel downloads" in shown
    captured = {}

    def keep(data, raw=False):
        captured.update(data)

    from govkit.reports import blocks
    real, blocks._display = blocks._display, keep
    try:
        explore.download_buttons(table, "schools")
    finally:
        blocks._display = real
    files = dict(re.findall(r'download="schools\.(\w+)" href="data:[^;]+;base64,([^"]+)"',
                            captured["text/html"]))
    csv = pd.read_csv(io.BytesIO(base64.b64decode(files["csv"])), encoding="utf-8-sig")
    xlsx = pd.read_excel(io.BytesIO(base64.b64decode(files["xlsx"])))
    for got in (csv, xlsx):
        assert list(got["school"]) == list(table["school"])
        assert got["attendance_rate"].tolist() == pytest.approx(
            table["attendance_rate"].astype(float).tolist(), nan_ok=True)


# --- the parameters cells list this trust's values ------------------------------------------

OWN_TRUST = """name: Causeway Schools Trust
plan: plan.yaml
schools:
- urn: 121212
  name: Moorside Academy
  phase: secondary
- urn: 121213
  name: "Beck Lane Primary\\nimport os"
  phase: primary
terms: [2017-18-autumn, 2017-18-spring, 2017-18-summer]
"""


def _own_trust(root: Path) -> Path:
    params = root / "params"
    params.mkdir(parents=True)
    (params / "trust.yaml").write_text(OWN_TRUST, encoding="utf-8")
    shutil.copy(ROOT / "lib" / "govkit" / "examples" / "owls-2016-19.yaml", params / "plan.yaml")
    return params


def _parameters(path: Path) -> str:
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if "parameters" in c.metadata.get("tags", []))


def test_a_trusts_notebooks_list_its_own_schools_terms_and_priorities(tmp_path):
    """copy-notebooks (a leader's copies) and check-params (the project's notebooks) write
    the trust's own values into the parameters cells, never the demo's; a leader's own
    setting stays; a line break in a name never becomes code."""
    from govkit.plan.params import load_params

    params = _own_trust(tmp_path)
    plan = load_params(params)[1]
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks",
                    ignore=shutil.ignore_patterns("mine"))
    mine = tmp_path / "notebooks" / "mine"
    made = CliRunner().invoke(app, ["copy-notebooks", "--params", str(params)])
    assert made.exit_code == 0, made.output
    checked = CliRunner().invoke(app, ["check-params", "--params", str(params)])
    assert checked.exit_code == 0, checked.output
    assert "priority.ipynb: its parameters cell now lists Causeway Schools Trust's" \
        in checked.output
    for folder in (tmp_path / "notebooks", mine):
        listed = _parameters(folder / "priority.ipynb")
        assert '"2017-18-autumn" .. "2017-18-summer"' in listed
        assert "#   121212  Moorside Academy (secondary)" in listed
        assert "#   121213  Beck Lane Primary\\nimport os (primary)" in listed
        assert "148101" not in listed and "Kestrel" not in listed
        assert all(f'"{p.id}"' in listed for p in plan.priorities)
        assert '"education", "colleagues"' not in listed  # the demo plan's
        assert [ln for ln in listed.splitlines() if ln.startswith("import")] == []
    ours = mine / "priority.ipynb"
    nb = nbformat.read(ours, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    cell.source = cell.source.replace("urn = None", "urn = 121212")
    nbformat.write(nb, ours)
    again = CliRunner().invoke(app, ["check-params", "--params", str(params)])
    assert "mine/priority.ipynb" not in again.output  # in step already: not rewritten
    assert "urn = 121212  # a school's URN" in _parameters(ours)


def test_a_preview_cell_shows_its_link_once():
    """preview() shows its link and returns the page's path; as the cell's last value, a
    path would add an "Out[]: PosixPath(...)" line under the link. Its path does not (run
    in a real kernel), and it is still the path (equal, joinable, a Path)."""
    import nbformat
    from nbclient import NotebookClient

    from govkit.reports.context import ShownPath

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in (
        "from govkit.reports.context import ShownPath\nShownPath('/tmp/preview/page.html')",
        "from pathlib import Path\nPath('/tmp/preview/page.html')")]
    NotebookClient(nb, kernel_name="python3", timeout=60).execute()
    assert [len(c.outputs) for c in nb.cells] == [0, 1]
    page = ShownPath("/tmp/preview/page.html")
    assert page == Path("/tmp/preview/page.html") and isinstance(page.parent / "x", Path)
