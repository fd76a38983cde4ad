"""The report notebooks: stored tidy, and rendered to HTML a governor can read.

Each notebook is run once per kind of run, never twice for the same one:
- nbval (configured in pyproject.toml) runs every notebook in notebooks/ top to bottom
  with its defaults (the trust, the latest term, the board) and compares the outputs kept
  on purpose (cells tagged nbval-check-output: headline figures, deterministic);
- the ``demo_term`` batch (tests/conftest.py) builds the demo trust's term with the real
  runner and export: its pages are checked here as they are (no second render);
- here, each report notebook once more with parameters nothing else uses: a past term,
  a non-default priority, a school or the trust, and between them every audience;
- and priority.ipynb edited as a leader would in Lab (her school, a past term, a section
  dropped, a chart of her own), then run.
"""

from __future__ import annotations

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import papermill as pm
import pytest

from govkit.batch.matrix import REPORTS, WORKBOOKS
from govkit.plan.params import load_params
from govkit.reports.notebook_tidy import pre_save_hook, tidy

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAMES = list(REPORTS)
PARAMETERS = {"params_dir", "data_dir", "store_path", "term", "urn", "audience"}
PLAN = load_params(ROOT / "params")[1]
DEMO_SCHOOL = 148192  # Thornwick Green CE Primary: small cohorts, so suppression shows
PAST_TERM = "2023-24-spring"


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def test_every_notebook_is_a_report_or_a_workbook():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES + list(WORKBOOKS))


@pytest.mark.parametrize("name", NAMES + list(WORKBOOKS))
def test_notebook_is_stored_tidy(name):
    nb = _read(name)
    assert nb.metadata.kernelspec.name == "python3"
    assert tidy(nbformat.from_dict(nb)) == nb, "no outputs, counts or Lab metadata stored"
    for cell in nb.cells:
        if "nbval-check-output" in cell.metadata.get("tags", []):
            assert cell.outputs, "a checked cell keeps its output so nbval can compare it"
    if name in WORKBOOKS:
        return
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    declared = {p["name"] for p in pm.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb")).values()}
    assert declared == PARAMETERS | ({"priority"} if name == "priority" else set())
    if name != "report_card":  # the card is always public and says so
        for word in ("board", "trust_leaders", "lgb", "school_leaders", "public"):
            assert f'"{word}"' in params[0].source, "the parameters cell lists every audience"
    trust = load_params(ROOT / "params")[0]
    listed = params[0].source
    assert f'"{trust.terms[0]}" .. "{trust.terms[-1]}"' in listed, "the terms to choose from"
    for school in trust.schools:
        assert f"{school.urn}  {school.name}" in listed, "every school's URN and name"
    if name == "priority":
        assert all(f'"{p.id}"' in listed for p in PLAN.priorities), "every priority id"


@pytest.mark.parametrize("name", NAMES)
def test_notebook_reads_as_the_reports_outline(name):
    """A leader sees the sections: cells after the setup are short calls or headings."""
    nb = _read(name)
    shown = [c for c in nb.cells if not {"remove-cell", "parameters"}
             & set(c.metadata.get("tags", []))]
    assert len(shown) >= 3, "one cell per section, not one call drawing the whole report"
    for cell in shown:
        if cell.cell_type == "code":
            assert len(ast.parse(cell.source).body) <= 3, cell.source


def _run_in_lab(stored: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """What Lab sends to save after a run: outputs, counts, Lab's metadata."""
    saved = nbformat.from_dict(stored)
    saved.metadata["language_info"] = {"name": "python", "version": "3.11.9"}
    saved.metadata["widgets"] = {}
    saved.metadata["kernelspec"]["display_name"] = "Python 3 (ipykernel)"
    for i, cell in enumerate(saved.cells):
        cell.metadata["collapsed"] = False
        if cell.cell_type == "code":
            cell.execution_count = i + 1
            if "nbval-check-output" not in cell.metadata.get("tags", []):
                cell.outputs = [nbformat.v4.new_output("stream", text="x\n")]
    return saved


class _Contents:
    """The part of jupyter_server's contents manager the hook reads: the server's root."""

    root_dir = str(ROOT)


def test_a_leaders_save_over_a_shipped_notebook_is_refused_and_her_copy_kept():
    """The shipped notebooks stay as the project ships them: Lab's save is refused with a
    line saying where her copy goes; in notebooks/mine/ her save is kept as Lab sent it."""
    from tornado.web import HTTPError

    saved = _run_in_lab(_read("trust_overview"))
    model = {"type": "notebook", "content": saved}
    with pytest.raises(HTTPError) as refused:
        pre_save_hook(model=model, path="notebooks/trust_overview.ipynb",
                      contents_manager=_Contents())
    assert refused.value.status_code == 403
    assert "notebooks/mine/trust_overview.ipynb" in refused.value.log_message
    with pytest.raises(HTTPError):  # the same file by its place in the package
        pre_save_hook(model=model, path="lib/govkit/notebooks/trust_overview.ipynb",
                      contents_manager=_Contents())
    mine = {"type": "notebook", "content": nbformat.from_dict(saved)}
    pre_save_hook(model=mine, path="notebooks/mine/overview.ipynb",
                  contents_manager=_Contents())
    assert mine["content"] == saved


def test_a_developers_save_in_lab_keeps_the_notebook_tidy(monkeypatch):
    """GOVKIT_EDIT_SHIPPED=1: the save is tidied to the notebook as stored, and a checked
    cell not rerun (cleared by an error above it, as Lab's Run All leaves it) keeps its
    stored output for nbval."""
    monkeypatch.setenv("GOVKIT_EDIT_SHIPPED", "1")
    stored = _read("priority")
    saved = _run_in_lab(stored)
    model = {"type": "notebook", "content": saved}
    pre_save_hook(model=model, path="notebooks/priority.ipynb", contents_manager=_Contents())
    assert model["content"] == stored
    stopped = _run_in_lab(stored)
    setup = next(c for c in stopped.cells if "open_report" in c.source)
    setup.outputs = [nbformat.v4.new_output("error", ename="ConfigError", evalue="bad urn",
                                            traceback=[])]
    check = next(c for c in stopped.cells if "nbval-check-output" in c.metadata.get("tags", []))
    check.outputs, check.execution_count = [], None
    model = {"type": "notebook", "content": stopped}
    pre_save_hook(model=model, path="notebooks/priority.ipynb", contents_manager=_Contents())
    assert model["content"] == stored


# --- reading the pages --------------------------------------------------------------------

class _Visible(HTMLParser):
    """Text a reader sees (not style or script), and every image's alt text."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.alts: list[str | None] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "img":
            self.alts.append(dict(attrs).get("alt"))

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def check_html(html: str, charts: bool = True) -> str:
    """No code, traceback or warning; alt text on every chart. Returns the visible text."""
    page = _Visible()
    page.feed(html)
    text = " ".join(" ".join(page.text).split())
    for bad in ("Traceback", "Warning", "Error", "context.open_report", "import ", "ctx =",
                "In [", "Out[", "report.success_criteria", "params_dir"):
        assert bad not in text, f"{bad!r} is visible in the report"
    assert 'class="input' not in html and "highlight-ipynb" not in html  # no code cells
    if charts:
        assert page.alts, "each report has at least one chart"
    for alt in page.alts:
        assert alt and "No description" not in alt, alt
    return text


def _render(name: str, out: Path, store: Path, edit=None, **params) -> str:
    from govkit.plan.config import load_trust
    from govkit.reports.export import export_html

    source = NOTEBOOKS / f"{name}.ipynb"
    if edit is not None:
        nb = _read(name)
        edit(nb)
        source = out / f"{name}.edited.ipynb"
        nbformat.write(nb, source)
    executed = out / f"{name}.ipynb"
    for attempt in (1, 2):
        try:
            pm.execute_notebook(str(source), str(executed), kernel_name="python3",
                                progress_bar=False, cwd=str(NOTEBOOKS), parameters={
                                    "params_dir": str(ROOT / "params"),
                                    "data_dir": str(ROOT / "data" / "demo"),
                                    "store_path": str(store), **params})
            break
        except RuntimeError as e:  # a kernel that did not start (ZMQ port taken meanwhile),
            if attempt == 2 or "Kernel died" not in str(e):  # as the runner, once more
                raise
    trust = load_trust(ROOT / "params" / "trust.yaml")
    html = export_html(nbformat.read(executed, as_version=4), out / f"{name}.html", trust,
                       name.replace("_", " ").title())
    return Path(html).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    from govkit.data.store import ensure_store

    return ensure_store(ROOT / "params", ROOT / "data" / "demo",
                        tmp_path_factory.mktemp("store") / "govkit.duckdb")


# --- the pages the batch built (no second render) ----------------------------------------

def _page(term_dir: Path, folder: str, report: str) -> str:
    path = term_dir / folder / f"{report}.html"
    if not path.is_file():
        failed = term_dir / "_failed" / folder / f"{report}.failed.ipynb"
        pytest.fail(f"{path.name} was not built" + (f" (kept: {failed})" if failed.exists()
                                                      else ""))
    return path.read_text(encoding="utf-8")


@pytest.mark.parametrize("report", ["trust_overview", "priority-education", "priority-finance"])
def test_trust_pages_from_the_batch_are_readable(demo_term, report):
    check_html(_page(demo_term, "trust", report))


@pytest.mark.parametrize("report", ["priority-education", "priority-colleagues", "education",
                                    "workforce", "finance", "governance", "report_card"])
def test_school_pages_from_the_batch_are_readable(demo_term, report):
    check_html(_page(demo_term, str(DEMO_SCHOOL), report))


def test_report_card_is_public_and_names_the_school(demo_term):
    page = _page(demo_term, str(DEMO_SCHOOL), "report_card")
    assert "Thornwick Green" in page
    text = re.sub(r"<[^>]+>", " ", page)
    for confidential in ("reserve", "Reserve", "risk register", "top slice", "GBP"):
        assert confidential not in text


# --- each notebook once with parameters nothing else runs ---------------------------------

AUDIENCE_WORDS = {"board": "for the trust board", "trust_leaders": "for trust leaders",
                  "lgb": "for the local governing body",
                  "school_leaders": "for school leaders",
                  "public": "for parents and the community"}
# (notebook, urn, audience, extra parameters): every audience, a past term for all
VARIANTS = [
    ("trust_overview", None, "trust_leaders", {}),
    ("priority", DEMO_SCHOOL, "lgb", {"priority": "colleagues"}),
    ("education", None, "school_leaders", {}),
    ("workforce", DEMO_SCHOOL, "public", {}),
    ("finance", DEMO_SCHOOL, "board", {}),
    ("governance", None, "lgb", {}),
    ("report_card", DEMO_SCHOOL, "board", {}),  # given board: still the public card
]


@pytest.mark.parametrize(("name", "urn", "audience", "extra"), VARIANTS,
                         ids=[f"{v[0]}-{v[2]}" for v in VARIANTS])
def test_renders_a_past_term_for_each_audience(tmp_path, store, name, urn, audience, extra):
    html = _render(name, tmp_path, store, term=PAST_TERM, urn=urn, audience=audience,
                   **extra)
    text = check_html(html)
    assert "Spring 2024" in text  # the past term
    expected = "public" if name == "report_card" else audience
    assert AUDIENCE_WORDS[expected] in text
    if urn:
        assert "Thornwick Green" in text
    if name == "priority":
        assert PLAN.priority("colleagues").title in text


# --- the "done when": a leader's own version of the priority report -----------------------

def _as_a_leader_would(nb: nbformat.NotebookNode) -> None:
    """In Lab: her school and a past term in the parameters cell, the Summary section
    deleted (its heading and its call), and her own chart after the criteria."""
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source = re.sub(r"(?m)^term = None", 'term = "2023-24-summer"', params.source)
    params.source = re.sub(r"(?m)^urn = None", "urn = 148127", params.source)
    params.source = re.sub(r'(?m)^priority = None', 'priority = "education"', params.source)
    at = next(i for i, c in enumerate(nb.cells) if c.source.strip() == "## Summary")
    assert nb.cells[at + 1].source.strip() == "report.summary(ctx)"
    del nb.cells[at:at + 2]
    crit = next(c for c in nb.cells if "report.success_criteria(ctx)" in c.source)
    crit.source = 'report.success_criterion(ctx, "attendance", charts=False)'
    nb.cells.append(nbformat.v4.new_markdown_cell("## Our attendance, term by term"))
    nb.cells.append(nbformat.v4.new_code_cell(
        "from govkit.reports import blocks, charts\n"
        "s = context.series(ctx, \"attendance_rate\")\n"
        "blocks.show_chart(charts.compare_chart(list(s[\"period\"]), list(s[\"value\"]), "
        "\"LEADER-CHART attendance\", \"percent\"))"))


def test_a_leader_changes_priority_report_in_lab_and_runs_all(tmp_path, store):
    html = _render("priority", tmp_path, store, edit=_as_a_leader_would)
    text = check_html(html)
    assert "Calder Moor Primary School" in text and "Summer 2024" in text
    assert not re.search(r">\s*Summary\s*<", html)  # the section she dropped
    criteria = {c.id: c.text for c in PLAN.priority("education").success_criteria}
    assert criteria.pop("attendance") in text  # the one criterion she kept
    assert not any(other in text for other in criteria.values())
    assert "leader-chart attendance" in html.lower()  # her chart (its alt text), house style
