"""Hostile and broken inputs give one clear line, never a traceback (issue 13).

Each case here once gave a traceback, an emoji, or silently took the wrong value.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from commands import GOVKIT
from typer.testing import CliRunner

from govkit.cli import app
from govkit.errors import ConfigError
from govkit.plan.commentary import load_commentary
from govkit.plan.config import load_plan, load_trust

ROOT = Path(__file__).resolve().parents[1]
TERM = "2024-25-summer"


def _params(tmp_path: Path) -> Path:
    params = tmp_path / "params"
    shutil.copytree(ROOT / "params", params, ignore=shutil.ignore_patterns("examples"))
    return params


# --- item 11: text from data printed literally ------------------------------------------

def test_validate_prints_row_100_and_markup_literally(tmp_path):
    drop = tmp_path / "drop"
    shutil.copytree(ROOT / "data" / "demo", drop)
    path = drop / "compliance.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[99].split(",")  # spreadsheet row 100 (row 1 is the header)
    cells[0] = "[bold]148101"
    lines[99] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")
    r = CliRunner().invoke(app, ["validate", str(drop), "--params", str(ROOT / "params")])
    assert r.exit_code == 2
    assert "compliance.csv:100:urn: '[bold]148101' is not a URN" in r.output
    assert "\N{HUNDRED POINTS SYMBOL}" not in r.output


def test_check_params_prints_a_trust_name_with_markup_literally(tmp_path):
    params = _params(tmp_path)
    trust = params / "trust.yaml"
    text = trust.read_text(encoding="utf-8")
    name = text.split("name: ", 1)[1].split("\n", 1)[0]
    trust.write_text(text.replace(f"name: {name}", "name: '[bold]Oak :100: Trust'", 1),
                     encoding="utf-8")
    r = CliRunner().invoke(app, ["check-params", "--params", str(params)])
    assert r.exit_code == 0, r.output
    assert "[bold]Oak :100: Trust, 12 school(s)" in r.output


# --- item 4: YAML as Windows saves it, and a folder where a file should be ---------------

def test_trust_yaml_in_windows_1252_reads_like_the_csv(tmp_path):
    params = _params(tmp_path)
    trust = params / "trust.yaml"
    text = trust.read_text(encoding="utf-8")
    trust.write_bytes(text.replace("name: ", "name: St Mary’s ", 1).encode("cp1252"))
    assert load_trust(trust).name.startswith("St Mary’s ")
    comments = params / "commentary" / f"{TERM}.yaml"
    comments.write_bytes(b"trust:\n  some.kpi: Governors\x92 visits went ahead\n")
    assert load_commentary(params / "commentary", TERM) == {
        "trust": {"some.kpi": "Governors’ visits went ahead"}}


def test_unreadable_yaml_is_one_line_naming_the_file(tmp_path):
    params = _params(tmp_path)
    trust = params / "trust.yaml"
    trust.write_bytes("name: x\n".encode("utf-16"))
    with pytest.raises(ConfigError, match=r"trust.yaml: saved as UTF-16"):
        load_trust(trust)
    trust.unlink()
    trust.mkdir()
    r = CliRunner().invoke(app, ["check-params", "--params", str(params)])
    assert r.exit_code == 2
    assert r.output.splitlines() == [f"{trust}: is a folder, not a YAML file"]
    r = CliRunner().invoke(app, ["run", "--params", str(params), "--out",
                                 str(tmp_path / "out")])
    assert r.exit_code == 2 and r.output.splitlines() == [
        f"{trust}: is a folder, not a YAML file"]


# --- item 9: repeated keys, and commentary checked before the batch ---------------------

def test_a_key_given_twice_is_refused_naming_both_lines(tmp_path):
    params = _params(tmp_path)
    trust = params / "trust.yaml"
    trust.write_text(trust.read_text(encoding="utf-8") + "suppression:\n  threshold: 2\n",
                     encoding="utf-8")
    first = 1 + trust.read_text(encoding="utf-8").split("\n").index("suppression:")
    last = len(trust.read_text(encoding="utf-8").split("\n")) - 2
    with pytest.raises(ConfigError) as e:
        load_trust(trust)
    assert str(e.value) == (f"{trust}:{last}: key 'suppression' given twice (lines {first} "
                            f"and {last}): only one of them would count")
    plan = tmp_path / "plan.yaml"
    plan.write_text("name: A\nname: B\npriorities: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"plan.yaml:2: key 'name' given twice \(lines 1 "
                       r"and 2\)"):
        load_plan(plan)
    comments = tmp_path / "commentary"
    comments.mkdir()
    (comments / f"{TERM}.yaml").write_text(
        "trust:\n  a.b: first\n  c.d: other\n  a.b: second\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"{TERM}.yaml:4: key 'a.b' given twice "
                       r"\(lines 2 and 4\)"):
        load_commentary(comments, TERM)


def test_yaml_merge_keys_may_still_be_overridden(tmp_path):
    from govkit.plan.config import parse_yaml

    path = tmp_path / "x.yaml"
    path.write_text("base: &d {a: 1, b: 2}\nk:\n  <<: *d\n  a: 3\n", encoding="utf-8")
    assert parse_yaml(path)["k"] == {"a": 3, "b": 2}


def test_run_refuses_broken_commentary_before_any_report(tmp_path):
    params = _params(tmp_path)
    comments = params / "commentary" / f"{TERM}.yaml"
    comments.write_text(comments.read_text(encoding="utf-8") + "later: a: b\n",
                        encoding="utf-8")
    line = len(comments.read_text(encoding="utf-8").split("\n")) - 1  # the last line
    out = tmp_path / "out"
    r = CliRunner().invoke(app, ["run", "--params", str(params), "--out", str(out),
                                 "--term", TERM])
    assert r.exit_code == 2, r.output
    assert r.output.startswith(f"{comments}:"), r.output
    assert r.output.splitlines() == [f"{comments}:{line}: not valid YAML: mapping values "
                                     "are not allowed here"]
    assert not out.exists()  # nothing started, nothing written


# --- item 4: a full disk is one line, and what was there is kept ------------------------

def _limited(size: int):
    """In the child: files may not grow past ``size`` bytes (as a full disk refuses), and
    the signal that would kill the process for it is ignored, so the write fails with EFBIG."""
    import resource
    import signal

    def pre() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return pre


def _govkit(*args: str, limit: int) -> subprocess.CompletedProcess:
    return subprocess.run([str(GOVKIT), *args], cwd=ROOT,
                          capture_output=True, text=True, preexec_fn=_limited(limit),
                          timeout=120)


def test_a_full_disk_while_building_the_store_is_one_line_and_keeps_the_old(tmp_path):
    store = tmp_path / "govkit.duckdb"
    store.write_bytes(b"the previous store")
    r = _govkit("build-store", "--data", str(ROOT / "data" / "demo"), "--params",
                str(ROOT / "params"), "--store", str(store), limit=256 * 1024)
    assert r.returncode == 1, r.stderr
    assert r.stderr.splitlines() == [f"{store}: could not write: File too large; the "
                                     "previous store, if any, is kept"]
    assert store.read_bytes() == b"the previous store"
    assert [p.name for p in tmp_path.iterdir()] == ["govkit.duckdb"]  # no temporary left


def test_a_full_disk_at_manifest_save_is_an_output_error(tmp_path):
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from govkit.batch.manifest import Entry, Manifest\n"
        "from govkit.errors import OutputError\n"
        f"m = Manifest(Path({str(tmp_path / 'manifest.json')!r}), 't', 'Trust')\n"
        "for i in range(200):\n"
        "    m.record(Entry(f'k{i}', 'nb', {'x': 'y' * 50}, 'h', 'ok', 1.0, f'{i}.html'))\n"
        "try:\n"
        "    m.save()\n"
        "except OutputError as e:\n"
        "    print(e, e.exit_code)\n")
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                       preexec_fn=_limited(8 * 1024), timeout=60)
    assert r.stdout.splitlines() == [f"{tmp_path / 'manifest.json'}: could not write: File "
                                     "too large; the last manifest written is kept 1"], r.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_params_folder_elsewhere_runs_the_shipped_notebooks(tmp_path):
    # with no notebooks/ beside params/, the batch uses those installed with govkit (the
    # checkout's notebooks/ links to them)
    from govkit.batch.runner import _notebooks_dir

    (tmp_path / "params").mkdir()
    assert _notebooks_dir(tmp_path / "params") == (ROOT / "notebooks").resolve()
    assert (_notebooks_dir(tmp_path / "params") / "report_card.ipynb").is_file()
