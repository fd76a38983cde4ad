"""One way to write a file others read (govkit.files.replacing): all at once or not at all."""

from __future__ import annotations

import pandas as pd
import pytest

from govkit.files import replacing, write_atomic
from govkit.plan.evaluate import write_csv


def test_a_write_that_fails_half_way_leaves_the_old_file_and_no_leftovers(tmp_path):
    page = tmp_path / "index.html"
    write_atomic(page, "old")
    with pytest.raises(RuntimeError), replacing(page) as f:
        f.write("half of the new")
        raise RuntimeError("disk full")
    assert page.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_bytes_and_a_work_folder_apart_from_what_is_published(tmp_path):
    work = tmp_path / ".work"
    path = write_atomic(tmp_path / "out" / "pack.pdf", b"%PDF-1.7", work=work)
    assert path.read_bytes() == b"%PDF-1.7"
    assert list(work.iterdir()) == []  # the temporary file was renamed away


def test_kpis_csv_is_written_whole_without_a_fixed_temporary_name(tmp_path):
    # two writers of one CSV used to share '.kpis.csv.tmp'; now each has its own
    path = tmp_path / "kpis.csv"
    (tmp_path / ".kpis.csv.tmp").write_text("another writer's half")
    write_csv(pd.DataFrame({"school": ["=1+1"], "value": [95.5]}), path)
    assert path.read_text().splitlines() == ["school,value", "'=1+1,95.5"]
    assert (tmp_path / ".kpis.csv.tmp").read_text() == "another writer's half"
