"""The report notebooks: stored tidy, and rendered to HTML a governor can read.

nbval (configured in pyproject.toml) proves each notebook runs top to bottom from the
notebooks/ folder with its defaults. Here each one is run by papermill with absolute
paths, for the trust and for one demo school, exported through govkit.reports.export, and the
HTML is checked: no code, no traceback, no warning, alt text on every image.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import papermill as pm
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
NAMES = ["trust_overview", "priority", "education", "workforce", "finance", "governance",
         "report_card"]
PARAMETERS = {"params_dir", "data_dir", "store_path", "term", "urn", "audience"}
DEMO_SCHOOL = 148192  # Thornwick Green CE Primary: small cohorts, so suppression shows


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)


def test_every_report_notebook_is_there():
    assert sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb")) == sorted(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_notebook_is_stored_tidy(name):
    nb = _read(name)
    assert nb.metadata.kernelspec.name == "python3"
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    declared = {p["name"] for p in pm.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb")).values()}
    expected = PARAMETERS | ({"priority"} if name == "priority" else set())
    assert declared == expected
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if "nbval-check-output" in cell.metadata.get("tags", []):
            assert cell.outputs, "a checked cell keeps its output so nbval can compare it"
        else:
            assert cell.outputs == [] and cell.execution_count is None


class _Visible(HTMLParser):
    """Text a reader sees (not style or script), and every <img>'s attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.images: list[dict[str, str | None]] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "img":
            self.images.append(dict(attrs))

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _render(name: str, out: Path, urn: int | None, store: Path) -> str:
    from govkit.plan.config import load_trust
    from govkit.reports.export import export_html

    params = {"params_dir": str(ROOT / "params"), "data_dir": str(ROOT / "data" / "demo"),
              "store_path": str(store), "urn": urn}
    executed = out / f"{name}.ipynb"
    pm.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(executed), parameters=params,
                        kernel_name="python3", progress_bar=False, cwd=str(out))
    trust = load_trust(ROOT / "params" / "trust.yaml")
    nb = nbformat.read(executed, as_version=4)
    html_path = export_html(nb, out / f"{name}.html", trust, name.replace("_", " ").title())
    return Path(html_path).read_text(encoding="utf-8")


def _check_html(html: str) -> None:
    page = _Visible()
    page.feed(html)
    text = " ".join(page.text)
    for bad in ("Traceback", "Warning", "Error", "context.open_report", "import ", "ctx =",
                "In [", "Out["):
        assert bad not in text, f"{bad!r} is visible in the report"
    assert 'class="input' not in html and "highlight-ipynb" not in html  # no code cells
    assert page.images, "each report has at least one chart"
    for img in page.images:
        assert img.get("alt") and "No description" not in img["alt"], img.get("alt")


class _Rendered:
    """Run and export every notebook once per place; keep failures per notebook."""

    urn: int | None = None

    @pytest.fixture(scope="class")
    @classmethod
    def pages(cls, tmp_path_factory):
        out = tmp_path_factory.mktemp(f"reports-{cls.urn or 'trust'}")
        store = out / "govkit.duckdb"
        results: dict[str, str | BaseException] = {}
        for name in NAMES:
            try:
                results[name] = _render(name, out, cls.urn, store)
            except Exception as e:  # reported by the test of that notebook
                results[name] = e
        return results

    @pytest.mark.parametrize("name", NAMES)
    def test_renders_readable_html(self, pages, name):
        page = pages[name]
        if isinstance(page, BaseException):
            raise page
        _check_html(page)


class TestTrustReports(_Rendered):
    urn = None


class TestSchoolReports(_Rendered):
    urn = DEMO_SCHOOL

    def test_report_card_is_public_and_names_the_school(self, pages):
        page = pages["report_card"]
        if isinstance(page, BaseException):
            raise page
        assert "Thornwick Green" in page
        text = re.sub(r"<[^>]+>", " ", page)
        for confidential in ("reserve", "Reserve", "risk register", "top slice", "£", "GBP"):
            assert confidential not in text
