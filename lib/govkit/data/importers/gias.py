"""A trust's schools from Get Information about Schools' groups download.

``group_links.csv`` links each group (trust, federation, sponsor) to its schools:
URN, Group UID, Group Name, Group Type, Joined date, EstablishmentName,
PhaseOfEducation (name), TypeOfEstablishment (name), LA (name). A copy saved
from pandas has an extra unnamed first column; both layouts are read. A trust is
found by its Group UID or its name (case and spacing ignored), with the closest
names offered when nothing matches.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from govkit.data.importers.dfe import read_table
from govkit.errors import ConfigError, DataError, Problem
from govkit.text import one_line

NEEDED = ("URN", "GROUP UID", "GROUP NAME", "GROUP TYPE", "ESTABLISHMENTNAME",
          "PHASEOFEDUCATION (NAME)")
TRUST_TYPES = ("multi-academy trust", "single-academy trust", "federation", "trust")
PHASE = {"primary": "primary", "middle deemed primary": "middle",
         "secondary": "secondary", "middle deemed secondary": "middle",
         "16 plus": "16-plus", "all-through": "all-through", "nursery": "nursery"}


@dataclass(frozen=True)
class GiasSchool:
    urn: int
    name: str
    phase: str
    joined: dt.date | None
    local_authority: str | None
    predecessors: tuple[int, ...] = ()


@dataclass(frozen=True)
class GiasTrust:
    uid: str
    name: str
    group_type: str
    schools: list[GiasSchool]
    left_out: dict[str, list[str]]  # reason -> schools


def phase_of(phase: str, establishment_type: str, name: str = "") -> str | None:
    """Our phase from GIAS's phase and type ('Not applicable' is special or AP by type);
    GIAS's primary phase is an infant or a junior school when its name says so alone
    ('Church Crookham Junior School'; not 'St Mark's Junior and Infant School')."""
    p = phase.strip().lower()
    if p == "primary":
        words = set(name.lower().replace("'", " ").split())
        infant = bool(words & {"infant", "infants"})
        junior = bool(words & {"junior", "juniors"})
        if infant != junior:
            return "infant" if infant else "junior"
    if p in PHASE:
        return PHASE[p]
    t = establishment_type.lower()
    if "special" in t:
        return "special"
    if "alternative provision" in t or "pupil referral" in t:
        return "alternative"
    return None


def _links(path: Path) -> pd.DataFrame:
    table = read_table(path)
    if isinstance(table, list) or table is None:
        raise DataError(table or [Problem(path.name, "cannot be read")])
    df = table.frame
    missing = [c for c in NEEDED if c not in df.columns]
    if missing:
        raise DataError([Problem(path.name, f"no '{c}' column: is this GIAS's group links "
                                 "file (group_links.csv)?", row=1, column=c) for c in missing])
    return df


def find_trust(path: Path, wanted: str) -> GiasTrust:
    """The group whose UID is ``wanted`` or whose name matches it; ConfigError with the
    closest names ('did you mean') when none does."""
    df = _links(Path(path))
    key = fold(wanted)
    if key.isdigit():
        rows = df[df["GROUP UID"].str.strip() == key]
    else:
        names = df["GROUP NAME"].map(fold)
        rows = df[names == key]
    if rows.empty:
        groups = df.drop_duplicates("GROUP UID")
        choices = {f"{n} (Group UID {u}, {t})": fold(n) for n, u, t in
                   zip(groups["GROUP NAME"], groups["GROUP UID"], groups["GROUP TYPE"],
                       strict=True)}
        close = difflib.get_close_matches(key, list(choices.values()), n=5, cutoff=0.6)
        close += [v for v in choices.values() if key and key in v and v not in close][:5]
        shown = list(dict.fromkeys(k for c in close for k, v in choices.items()
                                   if v == c))[:8]
        hint = ("; did you mean: " + "; ".join(shown)) if shown else ""
        raise ConfigError(f"{Path(path).name}: no group named or numbered '{wanted}'{hint}")
    uids = rows["GROUP UID"].unique()
    if len(uids) > 1:  # a trust and its sponsor entry often share a name: take the trust
        trusts = rows[rows["GROUP TYPE"].str.lower().isin(TRUST_TYPES)]
        if trusts["GROUP UID"].nunique() == 1:
            rows, uids = trusts, trusts["GROUP UID"].unique()
    if len(uids) > 1:
        raise ConfigError(f"'{wanted}' names {len(uids)} groups (Group UID "
                          + ", ".join(uids) + "): give the Group UID")
    schools: list[GiasSchool] = []
    left_out: dict[str, list[str]] = {}
    for r in rows.to_dict("records"):
        phase = phase_of(r["PHASEOFEDUCATION (NAME)"], r.get("TYPEOFESTABLISHMENT (NAME)", ""),
                         r["ESTABLISHMENTNAME"])
        if phase is None:
            left_out.setdefault("phase not known (give it by hand in trust.yaml)", []).append(
                f"{r['ESTABLISHMENTNAME']} ({r['URN']})")
            continue
        joined = r.get("JOINED DATE", "").strip()
        when = None
        if joined and not joined.startswith("1900"):
            try:
                when = dt.date.fromisoformat(joined[:10])
            except ValueError:
                when = None
        schools.append(GiasSchool(int(r["URN"]), r["ESTABLISHMENTNAME"].strip(), phase, when,
                                  r.get("LA (NAME)", "").strip() or None))
    schools.sort(key=lambda s: (s.name.lower(), s.urn))
    first = rows.iloc[0]
    return GiasTrust(str(first["GROUP UID"]), first["GROUP NAME"].strip(),
                     first["GROUP TYPE"].strip(), schools, left_out)


def fold(text: str) -> str:
    """A name for matching: accents dropped, case and spacing ignored ('ARETÉ  Learning'
    and 'Arete learning' match)."""
    plain = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return " ".join(plain.split()).casefold()


def predecessors(path: Path, urns: set[int]) -> dict[int, tuple[int, ...]]:
    """Each school's predecessor URNs from GIAS: the performance tables' school information
    file (OTHERURN of a school that opened as an academy, the other closed), or GIAS's links
    file (URN, LinkURN, LinkType 'Predecessor')."""
    table = read_table(Path(path))
    if isinstance(table, list) or table is None:
        raise DataError(table or [Problem(Path(path).name, "cannot be read")])
    df = table.frame
    out: dict[int, list[int]] = {}
    if {"URN", "LINKURN", "LINKTYPE"} <= set(df.columns):
        for r in df.to_dict("records"):
            urn, other = r["URN"].strip(), r["LINKURN"].strip()
            if urn.isdigit() and other.isdigit() and int(urn) in urns \
                    and "predecessor" in r["LINKTYPE"].lower():
                out.setdefault(int(urn), []).append(int(other))
    elif {"URN", "OTHERURN"} <= set(df.columns):
        rows = {r["URN"].strip(): r for r in df.to_dict("records")}
        for urn, r in rows.items():
            other = r["OTHERURN"].strip()
            if not (urn.isdigit() and other.isdigit() and int(urn) in urns):
                continue
            before = rows.get(other)
            opened = r.get("OPENDATE", "").strip()
            closed = before.get("CLOSEDATE", "").strip() if before else ""
            # the other school closed when this one opened: it is the predecessor (the
            # reverse link, from a predecessor to its academy, is not followed)
            if before is None and opened or closed and opened and closed <= opened:
                out.setdefault(int(urn), []).append(int(other))
    else:
        raise DataError([Problem(Path(path).name, "neither GIAS's links file (URN, LinkURN, "
                                 "LinkType) nor the school information file (URN, OTHERURN)",
                                 row=1)])
    return {u: tuple(dict.fromkeys(v)) for u, v in out.items()}


def with_predecessors(trust: GiasTrust, found: dict[int, tuple[int, ...]]) -> GiasTrust:
    """The trust with each school's predecessor URNs filled in."""
    import dataclasses

    return dataclasses.replace(trust, schools=[
        dataclasses.replace(s, predecessors=found.get(s.urn, ())) for s in trust.schools])


def trust_yaml(trust: GiasTrust, terms: list[str], plan: str = "plan.yaml",
               data: str | None = "../data") -> str:
    """trust.yaml text for the group: its schools, the terms, the plan and data folder."""
    import yaml

    doc: dict[str, object] = {"name": _title(trust.name), "plan": plan}
    if data:
        doc["data"] = data
    doc["schools"] = [{k: v for k, v in {
        "urn": s.urn, "name": s.name, "phase": s.phase, "joined_trust": s.joined,
        "local_authority": s.local_authority,
        "predecessors": list(s.predecessors) or None}.items() if v is not None}
        for s in trust.schools]
    doc["terms"] = terms
    # Text from the file goes in as YAML values (safe_dump quotes them), never into the
    # comment: a line break in a group name would otherwise start live config.
    head = (f"# {one_line(str(doc['name']))}: started by `govkit init` from GIAS's group "
            f"links (Group UID {one_line(trust.uid)}, {one_line(trust.group_type)}, "
            f"{len(trust.schools)} schools).\n"
            "# Check names and phases; add local_governing_body per school if you like.\n")
    return head + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)


def _title(name: str) -> str:
    """GIAS writes many trusts in capitals: 'YORKSHIRE CAUSEWAY SCHOOLS TRUST' ->
    'Yorkshire Causeway Schools Trust' (mixed case is kept as written)."""
    if name != name.upper():
        return name
    small = {"and", "of", "the", "in", "for", "on", "at"}
    upper = {"ce", "rc", "mat", "cofe", "uk"}
    words = name.lower().split()
    return " ".join(w.upper() if w in upper else w if i and w in small else w.capitalize()
                    for i, w in enumerate(words))
