"""HTML for governors: an executed notebook through the govkit house template.

The stock nbconvert templates show code unless told not to, keep the
``injected-parameters`` cell, drop chart alt text and load require.js and
MathJax from a CDN. The house template (templates/govkit/) extends ``lab`` but
replaces its head with a small inline stylesheet in the trust's colours, so one
file can be emailed and read offline, printed, and read with a screen reader.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import TYPE_CHECKING

import govkit
from govkit.files import write_atomic
from govkit.plan.config import Trust
from govkit.text import no_bidi

if TYPE_CHECKING:  # imported where used: `govkit run` with nothing to rebuild needs neither
    import nbformat
    from nbconvert import HTMLExporter

TEMPLATES = Path(__file__).parent / "templates"
TEMPLATE_NAME = "govkit"
# Jupyter Book's tag words, plus papermill's own cells: none of them is for a governor.
REMOVE_CELL_TAGS = frozenset({"remove-cell", "parameters", "injected-parameters"})
REMOVE_INPUT_TAGS = frozenset({"remove-input", "hide-input"})
REMOVE_OUTPUT_TAGS = frozenset({"remove-output", "hide-output"})


@functools.lru_cache(maxsize=1)
def _exporter() -> HTMLExporter:
    """One configured exporter per process (building its Jinja environment costs ~0.1 s)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    from govkit.reports.for_readers import ForReaders

    if not (TEMPLATES / TEMPLATE_NAME / "index.html.j2").is_file():  # pragma: no cover
        raise FileNotFoundError(f"{TEMPLATES / TEMPLATE_NAME}: the house template is missing; "
                                "reinstall govkit (package-data templates/**/*)")
    exporter = HTMLExporter(template_name=TEMPLATE_NAME,
                            extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.exclude_raw = True
    exporter.exclude_unknown = True
    # no heading anchor links: empty, they are links a screen reader cannot name (axe
    # link-name); a governor has no use for them on paper or on screen
    exporter.exclude_anchor_links = True
    # first what a reader never sees (stderr, errors, papermill's banner, sources), then
    # the tags' input and output removal
    exporter.register_preprocessor(ForReaders(remove_cell_tags=set(REMOVE_CELL_TAGS)),
                                   enabled=True)
    tags = TagRemovePreprocessor(remove_cell_tags=set(REMOVE_CELL_TAGS),
                                 remove_input_tags=set(REMOVE_INPUT_TAGS),
                                 remove_all_outputs_tags=set(REMOVE_OUTPUT_TAGS),
                                 enabled=True)
    exporter.register_preprocessor(tags, enabled=True)
    return exporter


@functools.lru_cache(maxsize=1)
def house_css() -> str:
    """The house stylesheet, inlined into every page (a few KB instead of lab's ~300)."""
    return (TEMPLATES / TEMPLATE_NAME / "house.css").read_text(encoding="utf-8")


def footnote_for(audience: str) -> str:
    """The rule a page's ratings or comparison words follow, said once at its foot: the
    rating rule on the trust's own pages, the comparison rule on a public card (which has
    no targets and no ratings)."""
    from govkit.plan.rating import PUBLIC_RULE, RULE

    return PUBLIC_RULE if audience == "public" else RULE


def render_html(nb: nbformat.NotebookNode, trust: Trust, title: str,
                index_href: str | None = None, audience: str = "board") -> str:
    """The page as text (no file written): see export_html."""
    resources = {"govkit": {
        "trust_name": trust.name, "title": title, "index_href": index_href,
        "rule": footnote_for(audience),
        "primary": trust.branding.primary_colour, "accent": trust.branding.accent_colour,
        "css": house_css(), "version": govkit.__version__,
        "generated": dt.date.today().strftime("%d %B %Y"),
    }}
    html, _ = _exporter().from_notebook_node(nb, resources=resources)
    return no_bidi(html)  # a name's direction override never reorders the page


def export_html(nb: nbformat.NotebookNode, out_path: Path, trust: Trust, title: str,
                index_href: str | None = None, work: Path | None = None,
                audience: str = "board") -> Path:
    """Export an executed notebook to one self-contained HTML file, atomically.

    No code, prompts or parameters cells; cells tagged remove-cell dropped; the trust's
    name and colours; a link back to ``index_href`` (relative, e.g. ``../index.html``);
    images embedded with their alt text; nothing fetched from the internet.
    """
    return write_atomic(Path(out_path), render_html(nb, trust, title, index_href, audience),
                        work)
