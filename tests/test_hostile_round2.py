"""Hostile input, second round (issue 22): nothing from a data file becomes config, a
formula, a terminal command, a broken chart or a lost school.

Each test here failed on the code before issue 22.
"""

from __future__ import annotations

import shutil
from pathlib import Path

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
