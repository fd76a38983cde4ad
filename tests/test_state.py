"""Below the batch, nothing the trust's data or params flow through is kept between calls:
the stale-store bug leaders hit in Lab lived in exactly that kind of hidden state. A
module of data/, plan/, reports/ or the foundation never mutates a module-level container
or a global, and caches only what ships with the code (named here, with why)."""

import ast
from pathlib import Path

import govkit

LIB = Path(govkit.__file__).parent
MUTATORS = {"append", "add", "clear", "discard", "extend", "insert", "pop", "popitem",
            "remove", "setdefault", "update"}
# registries of code, filled as modules are imported (as papermill's engines are)
REGISTRIES = {"govkit.data.importers.REGISTRY"}
# caches of what does not change under a running process: a pure function of its
# arguments, or files that ship in the package
CACHED = {
    "govkit.terms.parse_term": "a term id's parts: a pure function",
    "govkit.plan.national._shipped": "the national table shipped in the package",
    "govkit.reports.charts._measurer": "a renderer that only measures text",
    "govkit.reports.charts.text_size": "a string's size in a font: a pure function",
    "govkit.reports.explore._css": "the stylesheet shipped in the package",
    "govkit.reports.export._exporter": "nbconvert's exporter on the shipped template",
    "govkit.reports.export.house_css": "the stylesheet shipped in the package",
    "govkit.reports.html.environment": "the Jinja environment on the shipped templates",
}
MAY_HOLD_STATE = ("govkit.batch", "govkit.cli")  # a batch process's warm state lives here


def _module(path: Path, lib: Path) -> str:
    parts = list(path.relative_to(lib.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _containers(tree: ast.Module) -> set[str]:
    """Module-level names bound to a dict, list or set (or something called)."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if isinstance(value, ast.Dict | ast.List | ast.Set | ast.Call | ast.DictComp
                      | ast.ListComp | ast.SetComp):
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def hidden_state(lib: Path = LIB) -> list[str]:
    """Each place below the batch that keeps something between calls, as 'where: what'."""
    found = []
    for path in sorted(lib.rglob("*.py")):
        me = _module(path, lib)
        if me.startswith(MAY_HOLD_STATE):
            continue
        tree = ast.parse(path.read_text())
        module_level = _containers(tree)
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for d in fn.decorator_list:
                if "cache" in ast.unparse(d) and f"{me}.{fn.name}" not in CACHED:
                    found.append(f"{me}:{fn.lineno} caches {fn.name}")
            for n in ast.walk(fn):
                name = None
                if isinstance(n, ast.Global):
                    found += [f"{me}:{n.lineno} global {g}" for g in n.names]
                elif isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) \
                        and isinstance(n.func.value, ast.Name) and n.func.attr in MUTATORS:
                    name = n.func.value.id
                elif isinstance(n, ast.Assign | ast.AugAssign | ast.Delete):
                    targets = [n.target] if isinstance(n, ast.AugAssign) else n.targets
                    name = next((t.value.id for t in targets if isinstance(t, ast.Subscript)
                                 and isinstance(t.value, ast.Name)), None)
                if name in module_level and f"{me}.{name}" not in REGISTRIES:
                    found.append(f"{me}:{n.lineno} changes {name}")
    return sorted(found)


def test_nothing_below_the_batch_keeps_state_between_calls():
    assert hidden_state() == []


def test_the_check_finds_each_kind_of_hidden_state(tmp_path):
    """The checker itself, on a written package: a module-level dict filled, a list
    cleared, a global rebound and a cached reader are found; a function's own dict, a
    batch module's state and a listed cache are not."""
    lib = tmp_path / "govkit"
    files = {
        "__init__.py": "",
        "data/__init__.py": "",
        "data/store.py": "_META = {}\ndef meta(p):\n    _META[p] = 1\n    return _META[p]\n",
        "plan/__init__.py": "",
        "plan/params.py": ("import functools\n_LOADED: list = []\nN = 0\n"
                           "def load(p):\n    global N\n    _LOADED.clear()\n"
                           "    seen = {}\n    seen[p] = 1\n"
                           "@functools.lru_cache\ndef read(path):\n    return path\n"),
        "terms.py": "import functools\n@functools.lru_cache\ndef parse_term(t):\n    return t\n",
        "batch/__init__.py": "",
        "batch/warm.py": "_HELD = {}\ndef keep(k):\n    _HELD[k] = 1\n",
    }
    for name, source in files.items():
        (lib / name).parent.mkdir(parents=True, exist_ok=True)
        (lib / name).write_text(source)
    assert hidden_state(lib) == [
        "govkit.data.store:3 changes _META",
        "govkit.plan.params:10 caches read",
        "govkit.plan.params:5 global N",
        "govkit.plan.params:6 changes _LOADED",
    ]
