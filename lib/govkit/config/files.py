"""Reading trust.yaml and plan.yaml: YAML that refuses a repeated key, and a validation
error as one line naming the file and the key path."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from govkit.config.common import _At, _loc
from govkit.config.plan import Plan
from govkit.config.trust import Trust
from govkit.errors import ConfigError

# libyaml's loader when PyYAML has it: every report kernel reads the plan, ~10x faster.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _RepeatedKey(yaml.YAMLError):
    """A mapping gives one key twice: YAML would silently keep the last value."""

    def __init__(self, key: Any, first: int, again: int):
        super().__init__(f"key '{key}' given twice (lines {first} and {again}): only one "
                         "of them would count")
        self.line = again


def _refusing_repeats(base: type) -> type:
    """A loader like ``base`` that refuses a key repeated in one mapping."""

    class Loader(base):
        def construct_mapping(self, node: Any, deep: bool = False) -> Any:
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":  # <<: *defaults may be overridden
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    if key in seen:
                        raise _RepeatedKey(key, seen[key], line)
                    seen[key] = line
                except TypeError:  # an unhashable key: the constructor words that
                    continue
            return super().construct_mapping(node, deep)

    return Loader


_LOADER = _refusing_repeats(_LOADER)
_PURE_LOADER = _refusing_repeats(yaml.SafeLoader)


def yaml_text(path: Path) -> str:
    """A YAML file's text: UTF-8 (with or without a BOM) or, as Excel and Notepad save it
    on Windows, Windows-1252 ("St Mary’s"); anything else is a ConfigError naming the file."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a YAML file") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot be read: {e.strerror or e}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:200]:
        raise ConfigError(f"{path}: saved as UTF-16 ('Unicode'): save it as UTF-8")
    try:
        return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as e:
        bad = e.start
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        line = data[:bad].count(b"\n") + 1
        raise ConfigError(f"{path}:{line}: neither UTF-8 nor Windows-1252 text: save it as "
                          "UTF-8") from None


def parse_yaml(path: Path) -> Any:
    """A YAML file's content (None if empty); bad YAML is a ConfigError with its line, and
    so is a key given twice in one mapping (naming both lines)."""
    text = yaml_text(path)
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506
    except _RepeatedKey as e:
        raise ConfigError(f"{path}:{e.line}: {e}") from None
    except yaml.YAMLError:
        pass
    try:  # parse again in pure Python: its messages say what it found, not only where
        return yaml.load(text, Loader=_PURE_LOADER)  # noqa: S506
    except _RepeatedKey as e:
        raise ConfigError(f"{path}:{e.line}: {e}") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark else ""
        raise ConfigError(f"{path}{where}: not valid YAML: {getattr(e, 'problem', e)}") from None


def _read_yaml(path: Path) -> Any:
    if not path.exists():
        raise ConfigError(f"{path}: file not found")
    data = parse_yaml(path)
    if data is None:
        raise ConfigError(f"{path}: the file is empty")
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected keys and values (name: ...) at the top level")
    return data


def _validate(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as e:
        lines = []
        for err in e.errors():
            msg = err["msg"].removeprefix("Value error, ")
            loc = tuple(err["loc"])
            cause = err.get("ctx", {}).get("error")
            if isinstance(cause, _At):  # raised above the key it is about: add its path
                loc += cause.loc
            if err["type"] == "extra_forbidden":
                msg = "unknown key (check the spelling)"
            elif err["type"] == "missing":
                msg = "required, but missing"
            lines.append(f"{path}: {_loc(loc)}: {msg}")
        raise ConfigError("\n".join(lines)) from None


def _unknown_measure(name: str, known: set[str]) -> str:
    """The message for a measure not in the catalogue, with the nearest ids as a hint."""
    near = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    hint = f" (did you mean {near[0]}?)" if near else ""
    return f"unknown measure '{name}'{hint}"


def load_trust(path: str | Path) -> Trust:
    path = Path(path)
    return _validate(Trust, _read_yaml(path), path)


def load_plan(path: str | Path, known_measures: set[str] | None = None) -> Plan:
    """Load a plan; with ``known_measures``, a KPI naming anything else is refused."""
    path = Path(path)
    plan: Plan = _validate(Plan, _read_yaml(path), path)
    if known_measures is not None:
        bad = []
        for pi, p in enumerate(plan.priorities):
            for ci, c in enumerate(p.success_criteria):
                for ki, k in enumerate(c.kpis):
                    if k.measure and k.measure not in known_measures:
                        bad.append(f"{path}: priorities[{pi}].success_criteria[{ci}]"
                                   f".kpis[{ki}].measure: "
                                   + _unknown_measure(k.measure, known_measures))
        for ti, t in enumerate(plan.triggers):
            if t.measure and t.measure not in known_measures:
                bad.append(f"{path}: triggers[{ti}].measure: "
                           + _unknown_measure(t.measure, known_measures))
        if bad:
            raise ConfigError("\n".join(bad))
    return plan
