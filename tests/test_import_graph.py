"""Imports run one way: the graph of imports among the project's own modules (playground, lessons), built
from the source's AST, has no cycle.

Two graphs: the imports that run when a module loads (module level, and if/try/class bodies; not
`if TYPE_CHECKING:`), and those plus the imports inside functions, which run on first call. Neither has a
cycle: an import inside a function that closed one would be a lower layer reaching up (move what it needs
down, or let the higher layer hand it over: probes.EXEC_IN_CONTAINER, network.DNS_FAILURE,
controllers.RECONCILERS, which wiring.py fills; playground/hooks.py). The layers, lowest first: the cluster's
state (cluster, resources, images, nodes) -> controllers, network, dns, policy, validation, the API server ->
printers -> programs -> shell -> wiring -> the engine's front door (engine.py) -> the web layer -> the lessons.
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


def test_imports_inside_functions_close_no_cycle_either():
    assert cycles(graph(deferred=True)) == []


def test_the_checks_see_a_cycle_and_an_unexplained_import():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    source = "def f():\n    # lazy: costs 40 ms\n    # (only TLS uses it)\n    import x\n\ndef g():\n    import y\n"
    tree, lines = ast.parse(source), source.splitlines()
    f_import, g_import = [n for n in ast.walk(tree) if isinstance(n, ast.Import)]
    assert _says_lazy(lines, f_import) and not _says_lazy(lines, g_import)


def reachable(edges: dict[str, set[str]], start: str) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        for w in edges[todo.pop()] - seen:
            seen.add(w)
            todo.append(w)
    return seen


# ---- imports inside functions say why (issue 18) ------------------------------------------------------
PROJECT = PACKAGES + ("lti",)


def _imports_in_functions(tree: ast.Module):
    """Every import statement inside a function body (nested functions and classes included), once."""
    seen: set[int] = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                if isinstance(node, (ast.Import, ast.ImportFrom)) and id(node) not in seen:
                    seen.add(id(node))
                    yield node


def _says_lazy(lines: list[str], node: ast.stmt) -> bool:
    """A comment `# lazy: <why>` on the import's line(s), or opening the comment lines right above it."""
    own = lines[node.lineno - 1: node.end_lineno or node.lineno]
    said = [line.split("# lazy:", 1)[1] for line in own if "# lazy:" in line]
    above = node.lineno - 2
    while above >= 0 and lines[above].strip().startswith("#"):
        if lines[above].strip().startswith("# lazy:"):
            said.append(lines[above].strip()[len("# lazy:"):])
            break
        above -= 1
    return any(why.strip() for why in said)


def unexplained_function_imports() -> list[str]:
    found = []
    for mod, path in sorted(modules().items()):
        is_pkg = path.name == "__init__.py"
        source = path.read_text()
        lines = source.splitlines()
        for node in _imports_in_functions(ast.parse(source, str(path))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                targets = [_absolute(mod, is_pkg, node)]
            if any(t.split(".")[0] in PROJECT for t in targets) and not _says_lazy(lines, node):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_an_import_inside_a_function_says_why_it_waits():
    """A project import inside a function buys start-up time or waits for Django's app registry, and a comment
    `# lazy: ...` on its line or the line above says which; any other belongs at the top of the module."""
    assert unexplained_function_imports() == []


def test_lessons_sit_above_the_playground_modules_they_use():
    """Lessons above playground's services, never the reverse: nothing in playground that the lessons import,
    directly or not, on load or on first call, imports lessons (the services reach the lessons app through
    the hooks it registers, playground/hooks.py). Playground's pages, forms, admin, warm-up and simscript sit
    above both and may."""
    edges = graph(deferred=True)
    used = {m for start in edges if start.split(".")[0] == "lessons" for m in reachable(edges, start)
            if m.split(".")[0] == "playground"}
    assert sorted((a, b) for a in used for b in edges[a] if b.split(".")[0] == "lessons") == []
