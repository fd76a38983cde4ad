"""Tiny data drops and trusts for tests: each test builds its own in tmp_path."""

from __future__ import annotations

from pathlib import Path

from govkit.plan.config import School, Trust

URN_A, URN_B = 100001, 100002
TERMS = ["2023-24-summer", "2024-25-autumn", "2024-25-spring", "2024-25-summer"]


def make_trust(urns: tuple[int, ...] = (URN_A, URN_B)) -> Trust:
    """A two-school trust covering four terms."""
    return Trust(name="Test Trust", terms=TERMS,
                 schools=[School(urn=u, name=f"School {u}", phase="primary") for u in urns])


GOOD = {
    "schools": ["urn,name,phase,capacity,local_authority,joined_trust",
                f"{URN_A},Oak Primary,primary,210,Hampshire,01/09/2019",
                f"{URN_B},\"St Mary’s CE Primary\",primary,\"1,050\",Hampshire,2020-04-01"],
    "census": ["urn,term,pupils_on_roll,disadvantaged,send_support,ehcp,eal",
               f"{URN_A},2024-25-autumn,200,50,30,4,12",
               f"{URN_B},2024-25-autumn,1000,300,120,20,"],
    "attendance": ["urn,term,pupil_group,pupils,sessions_possible,sessions_absent,"
                   "sessions_unauthorised,persistent_absentees,severe_absentees",
                   f"{URN_A},2024-25-autumn,all,200,28000,1400,300,30,2",
                   f"{URN_B},2024-25-autumn,all,1000,140000,9800,2000,180,10"],
}


def write_drop(folder: Path, files: dict[str, list[str]] | None = None,
               encoding: str = "utf-8") -> Path:
    """Write <domain>.csv files (lines joined with CRLF, as Excel does); returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in (GOOD if files is None else files).items():
        (folder / f"{name}.csv").write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return folder


def drop_with(folder: Path, **replace: list[str]) -> Path:
    """The good drop with some domains' lines replaced (or added)."""
    return write_drop(folder, {**GOOD, **replace})

# A census with one bad cell (row 2: a percentage in a count column).
CENSUS_LINES_BAD = ["urn,term,pupils_on_roll,disadvantaged,send_support,ehcp,eal",
                    f"{URN_A},2024-25-autumn,53%,50,30,4,12"]
