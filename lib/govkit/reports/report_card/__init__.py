"""The public report card for parents: plain words, strict small-number suppression.

A package of its parts, one module each: which KPIs a card shows (``rows``), how a figure
compares in words (``compare``), the tables (``tables``), what stands out (``summary``),
the glossary (``meanings``) and the sections the notebook calls one a cell
(``sections``: ``report_card.at_a_glance(ctx)``), so every name is here as before.
"""

from govkit.reports.report_card.compare import (  # noqa: F401 re-exported
    DEFAULT_GAP,
    GAP_SIZES,
    SMALL_GROUP,
    _as_shown,
    _is_gap,
    _size,
    compare_words,
    comparison,
    could_be_chance,
    gap_size,
    national_for_phase,
    small_group,
)
from govkit.reports.report_card.meanings import GLOSSARY, glossary_terms  # noqa: F401
from govkit.reports.report_card.rows import (  # noqa: F401 re-exported
    CARD_GROUPS,
    CARD_OTHER,
    SHORT_NAMES,
    SHOWN,
    _lower_first,
    _short,
    card_groups,
    card_kpis,
    left_out_line,
    public,
    public_kpis,
    short_names,
)
from govkit.reports.report_card.sections import (  # noqa: F401 re-exported
    at_a_glance,
    footnotes,
    glossary,
    in_words,
    over_time,
    report_card,
    welcome,
)
from govkit.reports.report_card.summary import _listed, stand_out  # noqa: F401
from govkit.reports.report_card.tables import (  # noqa: F401 re-exported
    CARD_CHART_HOOKS,
    CARD_ROW_HOOKS,
    card_cell_hooks,
    card_table,
    shows_points,
    trust_column_note,
)
