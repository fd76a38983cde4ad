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


def imports_of(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "govkit":
                out += [(node.lineno, f"govkit.{a.name}") for a in node.names]
            elif node.module.startswith("govkit."):
                out += [(node.lineno, node.module)]
                out += [(node.lineno, f"{node.module}.{a.name}") for a in node.names
                        if (LIB / node.module.split(".", 1)[1].replace(".", "/") / a.name)
                        .with_suffix(".py").exists()]
        elif isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names if a.name.startswith("govkit.")]
    return out


def module_name(path: Path) -> str:
    rel = path.relative_to(LIB.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_every_module_sits_in_a_layer():
    loose = [module_name(p) for p in LIB.rglob("*.py")
             if module_name(p) != "govkit" and layer_of(module_name(p)) is None]
    assert loose == []


def test_no_module_imports_from_a_layer_below_it():
    upward = []
    for path in LIB.rglob("*.py"):
        me = module_name(path)
        mine = layer_of(me)
        if mine is None:
            continue
        for line, target in imports_of(path):
            theirs = layer_of(target)
            if theirs is not None and theirs > mine:
                upward.append(f"{me}:{line} imports {target} "
                              f"({govkit.LAYERS[mine][0]} -> {govkit.LAYERS[theirs][0]})")
    assert upward == []


def test_no_import_cycles_between_modules():
    graph: dict[str, set[str]] = {}
    for path in LIB.rglob("*.py"):
        me = module_name(path)
        graph[me] = {t for _, t in imports_of(path) if t != me and
                     ((LIB.parent / t.replace(".", "/")).with_suffix(".py").exists())}
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
    assert cycles == []


def test_the_layer_check_catches_an_upward_import(tmp_path):
    """The rule itself: data importing from reports is upward."""
    assert layer_of("govkit.data.store") < layer_of("govkit.reports.charts")
    assert layer_of("govkit.plan.config") < layer_of("govkit.data.contract")
    assert layer_of("govkit.plan.evaluate") > layer_of("govkit.data.store")
