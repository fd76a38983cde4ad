"""End to end: `govkit run` on a two-school demo trust with small fixture notebooks.

The fixture notebooks (tests/fixtures/notebooks/) start a real kernel, read the real
store and show a chart, but are quick; the runs are narrowed with --report so the
whole module takes seconds per test, not minutes.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from govkit.batch.runner import run_batch
from govkit.cli import app
from govkit.data.demo import write_demo, write_trust_yaml

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"
TERM = "2024-25-summer"
URNS = (148101, 148114)  # the demo roster's first two schools
PLAN = """\
name: Test plan
priorities:
  - id: attendance
    title: Pupils <attend> well
    deep_dive: education
    success_criteria:
      - id: rate
        text: Attendance at or above 95%
        kpis:
          - measure: attendance_rate
            target: 95
            tolerance: 1
      - id: culture
        text: A culture where every absence is followed up
        evidence: narrative
"""
# trust_overview + report_card for each school: three kernels per full run
SMALL = ["trust_overview", "report_card"]


@pytest.fixture(scope="module")
def demo_drop(tmp_path_factory) -> Path:
    """The demo generator's drop for two schools, written once and copied per test."""
    root = tmp_path_factory.mktemp("drop")
    demo = write_demo(root / "data", schools=2)
    write_trust_yaml(root / "params" / "trust.yaml", demo)
    return root


def project(tmp_path: Path, demo_drop: Path, broken: str | None = None) -> Path:
    """params/, data/ and notebooks/ side by side, as the runner expects."""
    shutil.copytree(demo_drop / "data", tmp_path / "data")
    # the demo's action statuses name the demo plan's actions: PLAN has none
    (tmp_path / "data" / "actions.csv").unlink()
    shutil.copytree(demo_drop / "params", tmp_path / "params")
    (tmp_path / "params" / "plan.yaml").write_text(PLAN, encoding="utf-8")
    nbs = tmp_path / "notebooks"
    nbs.mkdir()
    for name in ("trust_overview", "education", "report_card"):
        shutil.copy(FIXTURES / "report.ipynb", nbs / f"{name}.ipynb")
    shutil.copy(FIXTURES / "priority.ipynb", nbs / "priority.ipynb")
    if broken:
        shutil.copy(FIXTURES / "broken.ipynb", nbs / f"{broken}.ipynb")
    return tmp_path


def cli(root: Path, *extra: str) -> tuple[int, str]:
    args = ["run", "--params", str(root / "params"), "--data", str(root / "data"),
            "--out", str(root / "outputs"), "--jobs", "2", *extra]
    r = CliRunner().invoke(app, args)
    return r.exit_code, r.output


def small(root: Path, **kw):
    return run_batch(root / "params", root / "data", root / "outputs", reports=SMALL,
                     jobs=kw.pop("jobs", 2), **kw)


def test_run_writes_clean_reports_then_skips_everything(tmp_path, demo_drop):
    root = project(tmp_path, demo_drop)
    code, output = cli(root, "--report", "trust_overview", "--report", "report_card")
    assert code == 0, output
    term_dir = root / "outputs" / TERM
    assert output.strip().splitlines()[-1] == str(term_dir / "index.html")
    assert not (term_dir / "_failed").exists()  # no failure: no empty _failed/<urn>/ left
    pages = [term_dir / "trust" / "trust_overview.html"] + [
        term_dir / str(u) / "report_card.html" for u in URNS]
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "Report for" in text and "2 schools in the store" in text
        for banned in ("In [", "In&nbsp;[", "SOURCE_MARKER_XYZ", "open_store", "Traceback",
                       "Warning", "injected-parameters", "params_dir"):
            assert banned not in text, (page, banned)
        assert 'alt="A one-pixel test chart"' in text
        assert "data:image/png;base64," in text
        assert not re.search(r'(src|href)="https?://', text)
        audience = "public" if page.name == "report_card.html" else "board"
        # board pages link back to the index; a public card links to no board page
        assert ('href="../index.html"' in text) == (audience == "board"), page
        assert f"audience {audience}" in text, (page, audience)
    manifest = json.loads((term_dir / "manifest.json").read_text())
    assert [r["status"] for r in manifest["reports"]] == ["ok"] * 3
    assert manifest["reports"][1]["parameters"]["urn"] == URNS[0]
    assert all(len(r["input_hash"]) == 64 for r in manifest["reports"])
    index = (term_dir / "index.html").read_text()
    assert 'href="trust/trust_overview.html"' in index
    assert f'href="{URNS[1]}/report_card.html"' in index
    # the narrative KPI has no comment yet: the trust and both schools owe one, a row
    # each in the CSV beside the index; the run says so in one table and names the CSV
    due = (term_dir / "comments-due.csv").read_text(encoding="utf-8").splitlines()
    assert due[0] == "urn,school,priority,kpi,asks" and len(due) == 4
    assert [line.split(",")[0] for line in due[1:]] == ["", *map(str, URNS)]
    assert "Leaders' comments still due: 3" in output
    assert f"the list in full (school, priority, KPI): {term_dir / 'comments-due.csv'}" \
        in " ".join(output.split())
    before = {p: p.stat().st_mtime_ns for p in pages}

    again = small(root)  # nothing changed: no kernel at all
    assert again.started == 0
    assert [e.status for e in again.entries] == ["skipped"] * 3
    assert {p: p.stat().st_mtime_ns for p in pages} == before
    # `govkit run` with nothing changed, as its own process: it loads no kernel machinery
    # and no plotting library (matplotlib, reached through the index's imports, took a
    # third of such a run's time), and says every report is unchanged
    probe = ("import sys\nfrom govkit.cli import app\ntry:\n    app(sys.argv[1:])\n"
             "except SystemExit as e:\n    assert not e.code, e.code\n"
             "print('loaded:', sorted(m for m in ('matplotlib', 'jupyter_client', "
             "'papermill', 'nbconvert') if m in sys.modules))\n")
    args = ["run", "--params", str(root / "params"), "--data", str(root / "data"), "--out",
            str(root / "outputs"), "--report", "trust_overview", "--report", "report_card"]
    ran = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True,
                         text=True, timeout=120)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert "3 report(s): 0 to run, 3 unchanged" in ran.stdout
    assert ran.stdout.splitlines()[-1] == "loaded: []", ran.stdout

    (root / "params" / "plan.yaml").write_text(PLAN.replace("95\n", "96\n"), encoding="utf-8")
    assert small(root).started == 3  # the plan is an input of every report


def test_broken_report_fails_alone(tmp_path, demo_drop):
    root = project(tmp_path, demo_drop, broken="report_card")
    code, output = cli(root, "--report", "trust_overview", "--report", "report_card")
    assert code == 1, output
    term_dir = root / "outputs" / TERM
    assert (term_dir / "trust" / "trust_overview.html").is_file()
    for urn in URNS:
        assert not (term_dir / str(urn) / "report_card.html").exists()
        kept = term_dir / "_failed" / str(urn) / "report_card.failed.ipynb"
        assert "deliberately broken" in kept.read_text()
    assert f"FAILED {URNS[0]}/report_card: ValueError: deliberately broken for the runner " \
           "tests" in output
    manifest = json.loads((term_dir / "manifest.json").read_text())
    assert [r["status"] for r in manifest["reports"]] == ["ok", "failed", "failed"]
    assert "Failed: ValueError: deliberately broken" in (term_dir / "index.html").read_text()

    # mended: the kept notebooks go with their failures, and no empty folder is left
    shutil.copy(FIXTURES / "report.ipynb", root / "notebooks" / "report_card.ipynb")
    code, output = cli(root, "--report", "trust_overview", "--report", "report_card")
    assert code == 0, output
    assert not (term_dir / "_failed").exists()


def test_invalid_data_exits_2_and_writes_nothing(tmp_path, demo_drop):
    root = project(tmp_path, demo_drop)
    census = root / "data" / "census.csv"
    lines = census.read_text().splitlines()
    lines[1] = lines[1].replace(lines[1].split(",")[2], "lots", 1)  # pupils_on_roll
    census.write_text("\n".join(lines) + "\n")
    code, output = cli(root, "--report", "report_card")
    assert code == 2
    assert "census.csv:2:pupils_on_roll" in output
    assert not (root / "outputs" / TERM).exists()


def test_interrupted_run_keeps_finished_reports_and_next_run_carries_on(tmp_path, demo_drop):
    root = project(tmp_path, demo_drop)

    def stop_after_first(entry, done, total):
        if done == 1:
            raise KeyboardInterrupt

    first = small(root, jobs=1, progress=stop_after_first)
    assert first.interrupted
    term_dir = root / "outputs" / TERM
    done = [e for e in first.entries if e.status == "ok"]
    assert len(done) == 1
    page = term_dir / done[0].output
    assert page.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert not list(term_dir.glob("*/.*"))  # no temporary files left behind

    second = small(root)
    assert second.started == 2  # only what the interrupted run had not finished
    assert sorted(e.status for e in second.entries) == ["ok", "ok", "skipped"]
    assert all((term_dir / e.output).is_file() for e in second.entries)


def test_kernels_started_as_new_processes_give_the_same_reports(tmp_path, demo_drop):
    # --no-fork: papermill's usual kernel launch instead of forks of the pre-warmed worker
    root = project(tmp_path, demo_drop)
    result = small(root, fork_kernels=False)
    assert [e.status for e in result.entries] == ["ok"] * 3
    page = root / "outputs" / TERM / "trust" / "trust_overview.html"
    assert "2 schools in the store" in page.read_text(encoding="utf-8")


def test_a_change_to_govkits_own_code_makes_every_page_again(tmp_path, monkeypatch):
    """A page is made again when govkit's code changes (an upgrade, a developer's edit),
    not kept because its data is the same: the run's shared input hash covers every module
    of the package as installed. Worked on a copy of the package, one line added."""
    import govkit
    from govkit.batch import manifest

    copy = tmp_path / "govkit"
    shutil.copytree(Path(govkit.__file__).parent, copy,
                    ignore=shutil.ignore_patterns("__pycache__", "notebooks"))
    monkeypatch.setattr(govkit, "__file__", str(copy / "__init__.py"))
    params = tmp_path / "params"
    params.mkdir()
    (params / "trust.yaml").write_text("name: T\n", encoding="utf-8")
    (params / "plan.yaml").write_text(PLAN, encoding="utf-8")

    def shared() -> str:
        return manifest.shared_inputs_hash(params, params / "plan.yaml", "drop")

    first = shared()
    assert shared() == first  # the same code and inputs: the same hash, pages skipped
    rating = copy / "plan" / "rating.py"
    rating.write_text(rating.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert shared() != first
