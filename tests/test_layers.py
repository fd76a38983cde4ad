"""Imports run one way, down the layers the package's docstring states."""

import ast
from pathlib import Path

import govkit

LIB = Path(govkit.__file__).parent


def layer_of(module: str) -> int | None:
    """The index of the most specific layer prefix a module falls under."""
    best: tuple[int, int] | None = None
    for i, (_, prefixes) in enumerate(govkit.LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and (best is None or len(p) > best[1]):
                best = (i, len(p))
    return None if best is None else best[0]


def module_name(path: Path, lib: Path = LIB) -> str:
    rel = path.relative_to(lib.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(name: str, lib: Path) -> bool:
    """A module or package of the tree at ``lib`` (govkit.plan.config, govkit.reports)."""
    where = lib.parent / name.replace(".", "/")
    return where.with_suffix(".py").is_file() or (where / "__init__.py").is_file()


def _resolved(node: ast.ImportFrom, path: Path, lib: Path) -> str:
    """The absolute module an ``from X import`` names: ``from ..reports import charts`` in
    govkit/data/store.py is govkit.reports (ruff bans relative imports; this sees them
    anyway)."""
    if node.level == 0:
        return node.module or ""
    package = module_name(path, lib).split(".")
    if path.name != "__init__.py":
        package.pop()
    base = package[:len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _type_only(tree: ast.Module) -> set[int]:
    """The nodes under ``if TYPE_CHECKING:`` (not its ``else``): read by type checkers,
    never run."""
    hidden: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and (
                isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"
                or isinstance(node.test, ast.Attribute) and node.test.attr == "TYPE_CHECKING"):
            hidden.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return hidden


def imports_of(path: Path, lib: Path = LIB, runtime: bool = False) -> list[tuple[int, str]]:
    """Every govkit module a file imports, with its line: the module named and each name
    imported from it that is itself a module. ``runtime``: only the imports that run, not
    those under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text())
    hidden = _type_only(tree) if runtime else set()
    out = []
    for node in ast.walk(tree):
        if id(node) in hidden:
            continue
        if isinstance(node, ast.ImportFrom):
            module = _resolved(node, path, lib)
            if module == "govkit" or module.startswith("govkit."):
                if module != "govkit":
                    out.append((node.lineno, module))
                out += [(node.lineno, f"{module}.{a.name}") for a in node.names
                        if _is_module(f"{module}.{a.name}", lib)]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("govkit.")]
    return out


def upward_imports(lib: Path = LIB) -> list[str]:
    """Each import of a module from a layer below the importer's, as 'where imports what'."""
    upward = []
    for path in sorted(lib.rglob("*.py")):
        me = module_name(path, lib)
        mine = layer_of(me)
        if mine is None:
            continue
        for line, target in imports_of(path, lib):
            theirs = layer_of(target)
            if theirs is not None and theirs > mine:
                upward.append(f"{me}:{line} imports {target} "
                              f"({govkit.LAYERS[mine][0]} -> {govkit.LAYERS[theirs][0]})")
    return upward


def test_every_module_sits_in_a_layer():
    loose = [module_name(p) for p in LIB.rglob("*.py")
             if module_name(p) != "govkit" and layer_of(module_name(p)) is None]
    assert loose == []


def test_no_module_imports_from_a_layer_below_it():
    assert upward_imports() == []


def import_cycles(lib: Path = LIB) -> list[str]:
    """Each cycle of modules importing one another when run (a type-only import, under
    ``if TYPE_CHECKING:``, never runs, so it closes no cycle), as 'a -> b -> a'."""
    graph: dict[str, set[str]] = {}
    for path in lib.rglob("*.py"):
        me = module_name(path, lib)
        graph[me] = {t for _, t in imports_of(path, lib, runtime=True) if t != me and
                     ((lib.parent / t.replace(".", "/")).with_suffix(".py").exists())}
    seen: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        seen[node] = 1
        for nxt in graph.get(node, ()):
            if seen.get(nxt) == 1:
                cycles.append(" -> ".join(stack[stack.index(nxt):] + [node, nxt]))
            elif nxt not in seen:
                visit(nxt, stack + [node])
        seen[node] = 2

    for node in sorted(graph):
        if node not in seen:
            visit(node, [])
    return cycles


def test_no_import_cycles_between_modules():
    assert import_cycles() == []


def _tree(root: Path, files: dict[str, str]) -> Path:
    """A small govkit package written out: its modules' paths and sources."""
    for name, source in files.items():
        path = root / "govkit" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source)
    return root / "govkit"


def test_the_layer_check_catches_an_upward_import(tmp_path):
    """The checker itself, run on a written package: data importing from reports is
    upward however it is spelt; reports importing from data is not."""
    lib = _tree(tmp_path, {
        "__init__.py": "",
        "errors.py": "",
        "data/__init__.py": "",
        "data/store.py": "from ..reports import charts\n",
        "data/readers.py": "from govkit.reports.charts import draw\n",
        "data/validate.py": "import govkit.batch.runner\n",
        "data/demo.py": "from .. import reports\n",
        "reports/__init__.py": "",
        "reports/charts.py": "from govkit.data.store import open_store\nfrom ..errors import E\n",
        "batch/__init__.py": "",
        "batch/runner.py": "from . import matrix\n",
        "batch/matrix.py": "",
    })
    assert upward_imports(lib) == [
        "govkit.data.demo:1 imports govkit.reports (data -> reports)",
        "govkit.data.readers:1 imports govkit.reports.charts (data -> reports)",
        "govkit.data.store:1 imports govkit.reports (data -> reports)",
        "govkit.data.store:1 imports govkit.reports.charts (data -> reports)",
        "govkit.data.validate:1 imports govkit.batch.runner (data -> batch)",
    ]


def test_the_cycle_check_catches_a_cycle_that_runs_not_a_type_only_one(tmp_path):
    """The checker itself, run on a written package: an import inside a function, or in
    the ``else`` of ``if TYPE_CHECKING:``, runs, and closes a cycle; one under ``if
    TYPE_CHECKING:`` (however spelt) only names a type for the type checker, and does
    not."""
    lib = _tree(tmp_path, {
        "__init__.py": "",
        "plan/__init__.py": "",
        "plan/evaluate.py": "def run():\n    from govkit.plan import triggers\n",
        "plan/triggers.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                            "    from govkit.plan.evaluate import Evaluator\n",
        "plan/board.py": "import typing\n\nif typing.TYPE_CHECKING:\n"
                         "    from govkit.plan import since\n",
        "plan/since.py": "from govkit.plan import board\n",
        "plan/actions.py": "from govkit.plan import story\n",
        "plan/story.py": "def told():\n    from govkit.plan.actions import tracked\n",
        "plan/fmt.py": "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    pass\n"
                       "else:\n    from govkit.plan import rating\n",
        "plan/rating.py": "from govkit.plan.fmt import number\n",
    })
    assert sorted(import_cycles(lib)) == [
        "govkit.plan.actions -> govkit.plan.story -> govkit.plan.actions",
        "govkit.plan.fmt -> govkit.plan.rating -> govkit.plan.fmt",
    ]
