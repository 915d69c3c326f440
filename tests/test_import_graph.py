"""Imports run one way: the graph of imports among the project's own modules (playground, lessons), built
from the source's AST, has no cycle.

Two graphs: the imports that run when a module loads (module level, and if/try/class bodies; not
`if TYPE_CHECKING:`), which must have no cycle at all; and those plus the imports inside functions, which
run on first call. An import inside a function that closes a cycle is a lower layer reaching up; the ones
left are listed in DEFERRED_CYCLE_EDGES, all in the engine (its front door, engine.py, also holds the types
every program imports: Proc, Stream, charge; moving those to a lower module breaks most of them). The list
may only shrink: an edge that no longer exists or no longer closes a cycle must be taken off it.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("playground", "lessons")


def modules() -> dict[str, Path]:
    found = {}
    for pkg in PACKAGES:
        for path in (ROOT / pkg).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


# Function-level imports that still close a cycle (issue 18): remove an entry when its import goes.
DEFERRED_CYCLE_EDGES = {
    # capabilities are built when the engine and the API server first need them (issue 15's registries)
    ("playground.sim.apiserver", "playground.sim.capabilities"),
    # describe hands RBAC, PDB and PriorityClass objects to their describers, which reuse its writer
    ("playground.sim.printers.describe", "playground.sim.printers.describe_access"),
    # name resolution consults the running cluster's CRDs; crds builds Resources
    ("playground.sim.resources", "playground.sim.crds"),
    # minikube's multi-node commands and minikube start call each other (issue 14)
    ("playground.sim.programs.minikube_nodes", "playground.sim.programs.minikube"),
}


def _top_level(tree: ast.Module, into_functions: bool = False):
    """Statements that run when the module is imported: the body, and what nests in if/try/with/class (and,
    with into_functions, in function bodies: they run on first call)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and not into_functions:
            continue
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            continue                 # annotations only: never runs
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        for field in ("body", "orelse", "finalbody", "handlers"):
            todo.extend(getattr(node, field, None) or [])


def _absolute(mod: str, is_pkg: bool, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = mod.split(".")
    if not is_pkg:
        base = base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def graph(deferred: bool = False) -> dict[str, set[str]]:
    mods = modules()
    edges: dict[str, set[str]] = {m: set() for m in mods}
    for mod, path in mods.items():
        is_pkg = path.name == "__init__.py"
        tree = ast.parse(path.read_text(), str(path))
        for node in _top_level(tree, into_functions=deferred):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = _absolute(mod, is_pkg, node)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]
            for target in targets:
                # importing a.b.c runs a and a.b first; a module's own packages are already importing it
                parts = target.split(".")
                for i in range(1, len(parts) + 1):
                    name = ".".join(parts[:i])
                    if name in mods and name != mod and not (mod + ".").startswith(name + "."):
                        edges[mod].add(name)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def test_the_graph_sees_the_projects_modules_and_their_imports():
    edges = graph()
    assert "playground.sim.engine" in edges and "lessons.views" in edges
    assert "playground.sim.cluster" in edges["playground.sim.apiserver"]


def test_no_module_imports_itself_back_through_others():
    assert cycles(graph()) == []


def test_imports_inside_functions_close_no_cycle_beyond_the_listed_ones():
    edges = graph(deferred=True)
    listed = {(a, b) for a, b in DEFERRED_CYCLE_EDGES if b in edges.get(a, ())}
    assert listed == DEFERRED_CYCLE_EDGES, f"gone (take them off the list): {DEFERRED_CYCLE_EDGES - listed}"
    pruned = {a: {b for b in bs if (a, b) not in DEFERRED_CYCLE_EDGES} for a, bs in edges.items()}
    assert cycles(pruned) == []
    assert [(a, b) for a, b in sorted(DEFERRED_CYCLE_EDGES) if a not in reachable(edges, b)] == [], \
        "these no longer close a cycle: take them off the list"


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for w in edges[todo.pop()] - seen:
            seen.add(w)
            todo.append(w)
    return seen
