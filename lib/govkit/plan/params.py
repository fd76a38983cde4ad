"""The trust and its plan read together, the plan checked against the measure catalogue."""

from __future__ import annotations

import copy
import os
from pathlib import Path

from govkit.plan.config import Plan, Trust, load_plan, load_trust
from govkit.plan.measures import MEASURES

# What the last few params folders held, with the bytes of their two files: every report
# kernel reads trust.yaml and the plan, and a batch worker has read them before it forks
# the kernels, so a kernel copies them instead of parsing YAML again (25-30 ms a report,
# growing with the trust's schools). Files are compared byte for byte (a few KB; a
# modification time can stay the same over two quick edits), so a changed one is read again.
_LOADED: dict[str, tuple[bytes | None, bytes | None, Trust, Plan]] = {}
_KEEP = 8


def _stamp(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def load_params(params_dir: str | Path) -> tuple[Trust, Plan]:
    """trust.yaml and the plan it names, checked against the measure catalogue.

    Each call returns its own copies: a caller may change them without touching another's.
    """
    params_dir = Path(params_dir)
    trust_file = params_dir / "trust.yaml"
    where = os.path.realpath(trust_file)
    held = _LOADED.get(where)
    if held is not None and held[0] is not None and held[0] == _stamp(trust_file) \
            and held[1] is not None and held[1] == _stamp(params_dir / held[2].plan):
        return copy.deepcopy(held[2]), copy.deepcopy(held[3])
    stamp = _stamp(trust_file)
    trust = load_trust(trust_file)
    plan_file = params_dir / trust.plan
    plan_stamp = _stamp(plan_file)
    plan = load_plan(plan_file, set(MEASURES))
    if len(_LOADED) >= _KEEP:
        _LOADED.clear()
    _LOADED[where] = (stamp, plan_stamp, copy.deepcopy(trust), copy.deepcopy(plan))
    return trust, plan
