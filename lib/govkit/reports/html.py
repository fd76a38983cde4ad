"""One way to make the house's HTML outside nbconvert's page template.

One Jinja environment over the house templates (templates/govkit/: the index page, the
board pack's cover) and the small pieces every page shares, each defined once and used
from Python (govkit.reports.blocks builds a report's tables) and from the templates alike:
``esc`` (text from data, escaped; a missing value is the dash) and a rating's badge
(symbol and word on the house colour, never colour alone). No matplotlib here: the batch's
main process writes the index page without importing the report libraries.
"""

from __future__ import annotations

import functools
import html
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from govkit.plan import fmt
from govkit.text import no_bidi

TEMPLATES = Path(__file__).parent / "templates" / "govkit"

# rating -> (symbol, word); the word and symbol carry the meaning, the house stylesheet's
# classes (rag-green, ...) the colour
RAG_WORDS: dict[str | None, tuple[str, str]] = {
    "green": ("✔", "Green"),
    "amber": ("▲", "Amber"),
    "red": ("✖", "Red"),
    # a figure on fewer pupils than trust.yaml's min_cohort: shown, never rated
    "too_few": ("○", "Too few pupils to rate"),
    None: ("–", "No rating"),
}


def esc(text: Any) -> str:
    """Escape text for HTML; a missing value becomes the dash."""
    return html.escape(fmt.MISSING if fmt.is_missing(text) else str(text))


def rag_key(rag: Any) -> str | None:
    """'Green', 'G', 'green' -> 'green'; anything else (None, NaN, '') -> None."""
    if fmt.is_missing(rag):
        return None
    key = str(rag).strip().lower()
    return {"g": "green", "a": "amber", "r": "red"}.get(key, key if key in RAG_WORDS else None)


def rag_word(rag: Any) -> str:
    """The rating's word: 'Green', ..., 'Too few pupils to rate', 'No rating'."""
    return RAG_WORDS[rag_key(rag)][1]


def rag_class(rag: Any) -> str:
    """The house stylesheet's class for a rating: 'rag-green', ..., 'rag-no-rating'."""
    return "rag-" + rag_word(rag).lower().replace(" ", "-")


def rag_badge(rag: Any) -> str:
    """HTML for a rating: symbol and word on a colour, so it never relies on colour alone.
    The symbol is hidden from screen readers, which read the word."""
    symbol, word = RAG_WORDS[rag_key(rag)]
    return (f'<span class="rag {rag_class(rag)}"><span aria-hidden="true">{symbol}</span> '
            f"{word}</span>")


def _escaped(value: Any) -> Any:
    return value if isinstance(value, Markup) else Markup(esc(value))


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """The one Jinja environment with the house's pieces as filters. Every value a template
    prints goes through ``esc`` (the same escaping as the reports' tables), unless it is
    already HTML (Markup: a badge, the stylesheet)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             keep_trailing_newline=True, finalize=_escaped)
    env.filters["badge"] = lambda rag: Markup(rag_badge(rag))
    env.filters["rag_word"] = rag_word
    env.filters["rag_class"] = rag_class
    env.filters["rag_symbol"] = lambda rag: RAG_WORDS[rag_key(rag)][0]
    return env


def render(template: str, **context: Any) -> str:
    """A house template (templates/govkit/<template>) rendered with ``context``."""
    return no_bidi(environment().get_template(template).render(**context))


def macro(name: str) -> Any:
    """A macro of templates/govkit/macros.html.j2 (``table``, ``hooks``, ``rated_value``),
    callable from Python; it returns Markup."""
    return getattr(environment().get_template("macros.html.j2").module, name)
