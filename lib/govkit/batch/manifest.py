"""outputs/<term>/manifest.json: what each report was built from and how it went.

Written after every finished report (atomically), so an interrupted run leaves a
manifest that says exactly which reports are done, and the next run skips them.
The input hash is what decides "unchanged": the notebook file, its parameters,
the data drop, trust.yaml, the plan, the leaders' commentary, the house template
and govkit's own code (its version and every module, so a page made by older code is
made again after an upgrade or a developer's edit, not kept because its data is the same).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import govkit
from govkit.errors import OutputError
from govkit.files import write_atomic
from govkit.reports.export import TEMPLATES

MANIFEST = "manifest.json"
STATUSES = ("ok", "failed", "skipped")


@dataclass
class Entry:
    """One report's line in the manifest."""

    key: str
    notebook: str
    parameters: dict[str, Any]
    input_hash: str
    status: str  # ok, failed or skipped (unchanged since a good run)
    duration: float  # seconds of notebook work in this run (0 when skipped)
    output: str  # HTML path relative to outputs/<term>/
    error: str | None = None  # first error line, "ename: evalue"
    rag: str | None = None  # overall rating: red, amber, green or None
    counts: dict[str, int] | None = None  # how many KPIs are red, amber and green
    title: str = ""
    finished: str | None = None  # ISO time the HTML was written
    timings: dict[str, float] | None = None  # kernel start, execute, export (seconds)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entry:
        fields = cls.__dataclass_fields__
        return cls(**{k: v for k, v in d.items() if k in fields})


def _hash_files(h: Any, files: list[Path], root: Path) -> None:
    for path in sorted(files):
        h.update(str(path.relative_to(root)).encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())


def code_hash() -> str:
    """Hash of govkit's own code as installed: every module and data table of the package
    (about 1 MB; a few milliseconds). The notebooks are hashed per report."""
    package = Path(govkit.__file__).parent
    h = hashlib.sha256(f"govkit {govkit.__version__}\0".encode())
    _hash_files(h, [p for p in package.rglob("*") if p.suffix in (".py", ".csv")
                    and p.is_file() and "notebooks" not in p.relative_to(package).parts],
                package)
    return h.hexdigest()


def shared_inputs_hash(params_dir: Path, plan_file: Path, data_hash: str) -> str:
    """Hash of what every report reads: drop, trust.yaml, plan, commentary, template,
    govkit's code. Computed once per run."""
    h = hashlib.sha256()
    h.update(f"govkit {code_hash()}\0data {data_hash}\0".encode())
    _hash_files(h, [params_dir / "trust.yaml"], params_dir)
    h.update(b"plan\0" + plan_file.read_bytes())
    commentary = params_dir / "commentary"
    if commentary.is_dir():
        _hash_files(h, [p for p in commentary.rglob("*") if p.is_file()], params_dir)
    _hash_files(h, [p for p in TEMPLATES.rglob("*") if p.is_file()], TEMPLATES)
    return h.hexdigest()


def job_hash(shared: str, notebook_bytes: bytes, parameters: dict[str, Any]) -> str:
    """The input hash of one report: shared inputs + its notebook + its parameters."""
    h = hashlib.sha256()
    h.update(shared.encode() + b"\0")
    h.update(hashlib.sha256(notebook_bytes).digest())
    h.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    return h.hexdigest()


class Manifest:
    """The term's manifest, kept in memory and rewritten whole after each change."""

    def __init__(self, path: Path, term: str, trust_name: str):
        self.path = path
        self.term = term
        self.trust_name = trust_name
        self.entries: dict[str, Entry] = {}
        self._json: dict[str, tuple[Entry, str]] = {}  # each entry as JSON, made once

    @classmethod
    def load(cls, path: Path, term: str, trust_name: str) -> Manifest:
        """The previous run's manifest; an unreadable one counts as none (all rerun)."""
        m = cls(path, term, trust_name)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            for d in data.get("reports", []):
                e = Entry.from_dict(d)
                m.entries[e.key] = e
        except (OSError, ValueError, TypeError):
            m.entries = {}
        return m

    def is_done(self, key: str, input_hash: str, html: Path) -> bool:
        """A good HTML from these very inputs is already in place."""
        e = self.entries.get(key)
        return (e is not None and e.status in ("ok", "skipped") and e.input_hash == input_hash
                and html.is_file())

    def record(self, entry: Entry) -> None:
        self.entries[entry.key] = entry

    def _entry_json(self, key: str) -> str:
        entry = self.entries[key]
        made = self._json.get(key)
        if made is None or made[0] is not entry:
            made = self._json[key] = (entry, json.dumps(asdict(entry), ensure_ascii=False))
        return made[1]

    def text(self, keys: list[str] | None = None) -> str:
        """The manifest's JSON, one report a line. Each entry is encoded once (at the
        first save that lists it; a recorded entry replaces it and is encoded anew), not
        at every save: a batch saves after every report, and encoding every entry each
        time was a sixth of the main process's work on a demo term."""
        head = json.dumps({"term": self.term, "trust": self.trust_name,
                           "govkit": govkit.__version__,
                           "written": dt.datetime.now().isoformat(timespec="seconds")},
                          ensure_ascii=False)
        lines = ",\n".join(self._entry_json(k) for k in
                           (keys if keys is not None else list(self.entries)))
        return head[:-1] + ', "reports": [\n' + lines + "\n]}\n"

    def save(self, keys: list[str] | None = None) -> Path:
        """Write atomically; ``keys`` orders (and limits) the reports listed. A full disk
        is an OutputError (one line): the manifest on disk stays the last one written."""
        try:
            return write_atomic(self.path, self.text(keys))
        except OSError as e:
            raise OutputError.writing(self.path, e, "the last manifest written is kept") \
                from None
