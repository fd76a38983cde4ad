"""The board pack: one PDF for the board meeting, from the term's built reports.

A cover, a contents page with the pack's page numbers, the board summary (the trust
overview's first page, or a school's own board summary with ``urn``), then the priority
reports (the trust's, or that school's), each starting on a new page,
a bookmark per report with its own sections beneath it, and the pack's page number at the
foot of every page.

Rendered by headless Chromium, the browser the accessibility tests check the pages in, so
the paper matches the screen: the same house stylesheet, its print rules and A4 @page,
the SVG charts as vectors. Each report is printed on its own with its page numbers offset
(a margin box counter), then pypdf joins the parts and adds the bookmarks.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from markupsafe import Markup

from govkit.batch.browser import chromium
from govkit.batch.manifest import MANIFEST, Manifest
from govkit.batch.matrix import TRUST
from govkit.errors import GovkitError
from govkit.files import replacing
from govkit.plan.config import Plan, Trust
from govkit.plan.rating import RULE
from govkit.reports.export import house_css
from govkit.reports.html import render
from govkit.terms import parse_term

if TYPE_CHECKING:
    from collections.abc import Sequence

    from playwright.sync_api import BrowserContext, Page
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import Destination, IndirectObject

    # A PDF's bookmarks: each a destination, or the list of the previous one's children
    Outline: TypeAlias = Sequence["Destination | Outline"]


class PackError(GovkitError):
    """The pack cannot be made from this term's outputs (a report is missing)."""


@dataclass
class PackItem:
    """One report in the pack and the pack page it starts on."""

    title: str
    place: str
    path: Path
    rating: str = ""
    start: int = 0
    pages: int = 0


@dataclass
class PackResult:
    path: Path
    pages: int
    items: list[PackItem]


def css_string(text: str) -> str:
    """Text as the inside of a CSS string in a <style> block: no quote, backslash, newline
    or '<' can end the string or the block."""
    out = []
    for ch in str(text):
        if ch in '\\"' or ch == "<" or ord(ch) < 0x20:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return "".join(out)


def pack_items(term_dir: Path, trust: Trust, plan: Plan, urn: int | None = None
               ) -> list[PackItem]:
    """The trust overview (which opens with the trust's board summary), or a school's board
    summary, then each priority report in the plan's order, for the trust or that school.
    Every page must have been built: a missing one is named."""
    folder = TRUST if urn is None else str(urn)
    place = trust.name if urn is None else next(
        (trust.label(s.urn) for s in trust.schools if s.urn == urn), None)
    if place is None:
        raise PackError(f"--school {urn}: no school with that URN in trust.yaml")
    manifest = Manifest.load(term_dir / MANIFEST, term_dir.name, trust.name).entries
    first = ((f"{TRUST}/trust_overview", "Trust overview", trust.name) if urn is None
             else (f"{folder}/board_summary", "Board summary", place))
    wanted = [first] + [
        (f"{folder}/priority-{p.id}", p.title, place) for p in plan.priorities]
    items, missing = [], []
    for key, title, where in wanted:
        path = term_dir / f"{key}.html"
        entry = manifest.get(key)
        if not path.is_file():
            missing.append(f"{key}.html")
            continue
        rating = (entry.rag or "").capitalize() if entry else ""
        items.append(PackItem(title, where, path, f"overall {rating.lower()}" if rating else ""))
    if missing:
        raise PackError(f"{term_dir}: not built yet: {', '.join(missing)} "
                        "(run `govkit run` for this term first)")
    return items


def _front_html(trust: Trust, term: str, scope: str, items: list[PackItem],
                total_pages: int, footer: str) -> str:
    b = trust.branding
    return render("pack.html.j2",
        css=Markup(house_css()), primary=b.primary_colour, accent=b.accent_colour,
        title="Board pack", trust_name=trust.name, rule=RULE,
        scope=scope, term_label=parse_term(term).label, items=items,
        produced=dt.date.today().strftime("%d %B %Y"), total_pages=total_pages)


FOOT = ("font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;"
        " font-size: 8.5pt; color: #3e4c59;")


def _print(page: Page, start: int, footer: str, cover: bool = False) -> bytes:
    """The loaded page as A4 PDF bytes, its pages numbered from ``start`` (the first page's
    counter steps by ``start`` instead of 1); a cover page carries no number."""
    first = "@bottom-center { content: none; }" if cover else ""
    page.add_style_tag(content=(
        f'@page {{ @bottom-center {{ content: "{css_string(footer)} · page " counter(page);'
        f" {FOOT} }} }}"
        f"@page :first {{ counter-increment: page {start}; {first} }}"
        # each report's own foot (its title, the date, the rating rule) is the pack's
        # page foot and contents page once: at the end of every report it spilled onto a
        # page of its own
        "footer.gk-footer { display: none; }"))
    return page.pdf(prefer_css_page_size=True, print_background=True,
                    outline=True, tagged=True)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_headings(page: Path) -> dict[str, str]:
    """A built page's headings as a reader sees them, keyed by their text without spaces.

    Chromium names a bookmark after a heading's laid-out lines joined with no space, so a
    heading that wraps ("... every child attends" / "well") comes out as "attendswell";
    the page's own heading text puts the space back.
    """
    found = re.findall(r"<h[1-6][^>]*>(.*?)</h[1-6]>", page.read_text(encoding="utf-8"),
                       flags=re.S | re.I)
    texts = [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", h)).split()) for h in found]
    return {_squash(t): t for t in texts if t}


def _copy_outline(writer: PdfWriter, reader: PdfReader, outline: Outline,
                  parent: IndirectObject, offset: int,
                  names: dict[str, str] | None = None) -> None:
    """Add a part's bookmarks under ``parent``, their pages moved by ``offset``, named as
    the page's headings (``names``, from page_headings) read."""
    from pypdf.generic import Destination

    last = parent
    names = names or {}
    for node in outline:
        if not isinstance(node, Destination):
            _copy_outline(writer, reader, node, last, offset, names)
            continue
        page_no = reader.get_destination_page_number(node)
        title = str(node.title)
        # a bookmark to no page (pypdf: None) stays one, in its place
        last = writer.add_outline_item(title=names.get(_squash(title), title),
                                       page_number=None if page_no is None
                                       else offset + page_no, parent=parent)


def build_pack(term_dir: Path, trust: Trust, plan: Plan, urn: int | None = None,
               out_path: Path | None = None, browser: BrowserContext | None = None
               ) -> PackResult:
    """Write the pack PDF (default ``<term_dir>/board-pack[-<urn>].pdf``) atomically.

    ``browser``: an open playwright context (govkit.batch.browser.chromium) to print with,
    e.g. the browser tests' own; by default one is started and closed here.
    """
    if browser is None:
        with chromium() as ctx:
            return build_pack(term_dir, trust, plan, urn, out_path, ctx)
    from pypdf import PdfReader, PdfWriter

    term = term_dir.name
    items = pack_items(term_dir, trust, plan, urn)
    scope = "The whole trust" if urn is None else f"{items[-1].place} (URN {urn})"
    footer = f"{trust.name} · Board pack · {parse_term(term).label}"
    out_path = out_path or term_dir / ("board-pack.pdf" if urn is None
                                       else f"board-pack-{urn}.pdf")
    page = browser.new_page()
    try:
        page.emulate_media(media="print")
        # The front's length first (its numbers do not change how many pages it takes),
        # then each report numbered on from it, then the front again with the real numbers.
        page.set_content(_front_html(trust, term, scope, items, 0, footer))
        front_pages = len(PdfReader(io.BytesIO(_print(page, 1, footer, True))).pages)
        parts = []
        start = front_pages + 1
        for item in items:
            page.goto(item.path.resolve().as_uri())
            pdf = _print(page, start, footer)
            item.start, item.pages = start, len(PdfReader(io.BytesIO(pdf)).pages)
            parts.append(pdf)
            start += item.pages
        page.set_content(_front_html(trust, term, scope, items, start - 1, footer))
        front = _print(page, 1, footer, True)
    finally:
        page.close()
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(front)), import_outline=False)
    writer.add_outline_item(title="Contents", page_number=front_pages - 1)
    for item, pdf in zip(items, parts, strict=True):
        reader = PdfReader(io.BytesIO(pdf))
        writer.append(reader, import_outline=False)
        label = item.title if item.title in ("Trust overview", "Board summary") \
            else f"{item.title}: {item.place}"
        mark = writer.add_outline_item(title=label, page_number=item.start - 1)
        # the report's own headings (Chromium's outline) beneath it; its one h1 is the
        # report's title again, so its children come up a level
        outline: Outline = reader.outline
        if len(outline) == 2 and isinstance(outline[1], list):
            outline = outline[1]
        _copy_outline(writer, reader, outline, mark, item.start - 1,
                      page_headings(item.path))
    writer.add_metadata({"/Title": f"Board pack, {parse_term(term).label}: {trust.name}",
                         "/Creator": "govkit"})
    writer.page_mode = "/UseOutlines"
    with replacing(out_path, binary=True) as fh:
        writer.write(fh)
    return PackResult(out_path, len(writer.pages), items)
