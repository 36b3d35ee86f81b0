"""The project's architecture lint: fast checks that keep the code's shape (issue 7, "Done when").

The layout these tests enforce is documented in docs/architecture.md. They read the
source with ``ast`` (no Django, no database), so strings and comments never count:

1. size: no view module over 350 lines, no services/selectors module over 400 lines;
2. no import circle between campuseval modules, lazy (function-level) imports included,
   except a service enqueueing its own app's task (a function-level import of ``<app>.tasks``);
   imports under ``if TYPE_CHECKING:`` are left out here (only here: the layering rules count them);
3. accounts imports nothing from the apps above it (ABOVE_ACCOUNTS);
4. the scoring engine and the rubric file format import no Django and no other app;
5. view modules run no ORM queries and write no audit records.

Each failure lists the files and lines to fix.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "campuseval"

VIEW_MAX_LINES = 350
SERVICE_MAX_LINES = 400

# Apps that sit above accounts and that accounts must never import. A new app is added here.
ABOVE_ACCOUNTS = (
    "campuseval.campaigns",
    "campuseval.evidence",
    "campuseval.api",
    "campuseval.demodata",
    "campuseval.imports",
    "campuseval.notifications",
    "campuseval.plans",
    "campuseval.analytics",
    "campuseval.reports",
    "campuseval.certificates",
    "campuseval.exportjobs",
    "campuseval.filings",
    "campuseval.dashboards",
    "campuseval.todo",
)
PURE_PACKAGES = ("campuseval.zipcheck", "campuseval.engine", "campuseval.rubricfile", "campuseval.plans.outlook", "campuseval.plans.decomposition")
DJANGO_ROOTS = ("django", "rest_framework")

ORM_ATTRIBUTES = {
    "objects",
    "select_related",
    "prefetch_related",
    "annotate",
    "aggregate",
    "values_list",
    "select_for_update",
    "bulk_create",
}
ORM_EXPRESSIONS = {"Q", "F", "Count", "Case", "When", "Prefetch", "Sum"}
AUDIT_SERVICES = "campuseval.audit.services"


@dataclass(frozen=True)
class Import:
    source: str  # importing module, e.g. campuseval.campaigns.services
    target: str  # imported module, resolved to a submodule when it is one
    also: str  # for `from M import n`: "M.n" (may be a submodule that does not exist yet)
    where: str  # path:line
    in_function: bool
    type_checking: bool
    local: str  # the name the import binds in the importing module

    def __str__(self) -> str:
        shown = (
            self.target
            if self.also in (self.target, "")
            else f"{self.also.rpartition('.')[2]} from {self.target}"
        )
        return f"{self.where}: {self.source} imports {shown}"


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "migrations" not in p.parts)


MODULES = {_module_name(p): p for p in _source_files()}


def _is_module(name: str) -> bool:
    return name in MODULES


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path) -> list[Import]:
    """Every import statement of one file, with where it sits (function body, TYPE_CHECKING)."""
    source = _module_name(path)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool, type_checking: bool) -> None:
        for child in ast.iter_child_nodes(node):
            where = f"{_relative(path)}:{getattr(child, 'lineno', '?')}"
            if isinstance(child, ast.Import):
                for alias in child.names:
                    local = alias.asname or alias.name.partition(".")[0]
                    found.append(
                        Import(
                            source, alias.name, alias.name, where, in_function, type_checking, local
                        )
                    )
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    if child.level - 1 >= len(base):
                        continue
                    base = base[: len(base) - (child.level - 1)]
                    base_name = ".".join(base + ([child.module] if child.module else []))
                else:
                    base_name = child.module or ""
                for alias in child.names:
                    full = f"{base_name}.{alias.name}"
                    target = full if _is_module(full) else base_name
                    local = alias.asname or alias.name
                    found.append(
                        Import(source, target, full, where, in_function, type_checking, local)
                    )
            elif isinstance(child, ast.If) and _is_type_checking(child.test):
                for stmt in child.body:
                    visit(ast.Module(body=[stmt], type_ignores=[]), in_function, True)
                for stmt in child.orelse:
                    visit(ast.Module(body=[stmt], type_ignores=[]), in_function, type_checking)
            else:
                inner = in_function or isinstance(
                    child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)
                )
                visit(child, inner, type_checking)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)), False, False)
    return found


IMPORTS = {name: _imports(path) for name, path in MODULES.items()}


def _under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def _is_view_module(path: Path) -> bool:
    rel = path.relative_to(PACKAGE)
    return (
        path.name == "views.py"
        or path.name.endswith("_views.py")
        or path.name.startswith("views_")
        or "views" in rel.parts[:-1]
        or rel.as_posix() in {"api/views.py", "api/reads.py"}
    )


def _is_service_module(path: Path) -> bool:
    rel = path.relative_to(PACKAGE)
    return path.name in {"services.py", "selectors.py"} or bool(
        {"services", "selectors"} & set(rel.parts[:-1])
    )


VIEW_FILES = [p for p in MODULES.values() if _is_view_module(p)]
SERVICE_FILES = [p for p in MODULES.values() if _is_service_module(p)]


def _line_count(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    return text.count("\n") + (0 if not text or text.endswith("\n") else 1)


def _report(title: str, problems: list[str]) -> None:
    if problems:
        pytest.fail(f"{title} ({len(problems)}):\n  " + "\n  ".join(problems), pytrace=False)


# --- 1. size -------------------------------------------------------------------------------


def test_layout_finds_the_modules_it_checks():
    assert PACKAGE / "campaigns" / "views" / "county_queue.py" in VIEW_FILES
    assert PACKAGE / "api" / "reads.py" in VIEW_FILES
    assert PACKAGE / "regions" / "tables.py" not in VIEW_FILES
    assert PACKAGE / "campaigns" / "services" / "application.py" in SERVICE_FILES


@pytest.mark.parametrize(
    ("kind", "files", "limit"),
    [
        ("view", VIEW_FILES, VIEW_MAX_LINES),
        ("services/selectors", SERVICE_FILES, SERVICE_MAX_LINES),
    ],
)
def test_modules_stay_short(kind, files, limit):
    long = [(n, p) for p in files if (n := _line_count(p)) > limit]
    _report(
        f"{kind} modules over {limit} lines; split them",
        [f"{_relative(p)}: {n} lines" for n, p in sorted(long, reverse=True)],
    )


# --- 2. no import circles ------------------------------------------------------------------


def _allowed(imp: Import) -> bool:
    """A service may enqueue its own app's task with a function-level import of <app>.tasks."""
    app = ".".join(imp.source.split(".")[:2])
    return imp.in_function and imp.target.rpartition(".")[2] == "tasks" and _under(imp.target, app)


def _import_graph() -> dict[str, dict[str, list[Import]]]:
    graph: dict[str, dict[str, list[Import]]] = {name: {} for name in MODULES}
    for name, imports in IMPORTS.items():
        for imp in imports:
            if not imp.type_checking and _is_module(imp.target) and imp.target != name:
                graph[name].setdefault(imp.target, []).append(imp)
    # An edge is dropped only when every import behind it is an allowed task import.
    return {
        name: {t: imps for t, imps in edges.items() if not all(_allowed(i) for i in imps)}
        for name, edges in graph.items()
    }


def _strongly_connected(graph: dict[str, dict[str, list[Import]]]) -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan; the graph is small enough for recursion
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return components


def _cycles(
    graph: dict[str, dict[str, list[Import]]], members: list[str], limit: int
) -> list[list[str]]:
    """Elementary cycles inside one component, each starting at its smallest module."""
    inside = set(members)
    cycles: list[list[str]] = []

    def walk(path: list[str]) -> None:
        for nxt in sorted(graph[path[-1]]):
            if len(cycles) >= limit:
                return
            if nxt == path[0]:
                cycles.append([*path, nxt])
            elif nxt in inside and nxt > path[0] and nxt not in path:
                walk([*path, nxt])

    for start in members:
        walk([start])
    return cycles


def test_project_modules_import_no_circle():
    graph = _import_graph()
    problems = []
    for members in _strongly_connected(graph):
        cycles = _cycles(graph, members, limit=20)
        for cycle in cycles:
            edges = []
            for a, b in zip(cycle, cycle[1:], strict=False):
                lines = {
                    i.where + (" (in a function)" if i.in_function else ""): None
                    for i in graph[a][b]
                }
                edges.append(f"{a} -> {b} at {', '.join(lines)}")
            problems.append(" -> ".join(cycle) + "\n      " + "\n      ".join(edges))
        if len(cycles) == 20:
            problems.append(f"(maybe more circles among: {', '.join(members)})")
    _report("import circles between campuseval modules; break each one", problems)


# --- 3. & 4. layering -----------------------------------------------------------------------


def test_accounts_imports_no_app_above_it():
    problems = [
        str(imp)
        for name, imports in IMPORTS.items()
        if _under(name, "campuseval.accounts")
        for imp in imports
        if any(_under(imp.target, app) or _under(imp.also, app) for app in ABOVE_ACCOUNTS)
    ]
    _report("accounts imports apps above it (ABOVE_ACCOUNTS)", problems)


def test_engine_and_rubricfile_import_no_django_and_no_other_app():
    def forbidden(target: str) -> bool:
        if target.split(".")[0] in DJANGO_ROOTS:
            return True
        return _under(target, "campuseval") and not any(_under(target, p) for p in PURE_PACKAGES)

    problems = [
        str(imp)
        for name, imports in IMPORTS.items()
        if any(_under(name, p) for p in PURE_PACKAGES)
        for imp in imports
        if forbidden(imp.target)
    ]
    _report("engine, rubricfile and the pure plan modules import Django or another campuseval app", problems)


# --- 5. thin views ---------------------------------------------------------------------------


def _callee(func: ast.expr) -> tuple[str, str]:
    """The called function's name, and the local name it is looked up on (itself if bare)."""
    if isinstance(func, ast.Name):
        return func.id, func.id
    if isinstance(func, ast.Attribute):
        return func.attr, func.value.id if isinstance(func.value, ast.Name) else ""
    return "", ""


def _view_problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    orm_modules = set()  # local names bound to django.db.models
    # Names of audit_* readers: bound to (or imported from) a selectors module or a module
    # outside the audit app, e.g. selectors.audit_regions_for(). Every other audit_* call counts.
    readers = {
        imp.local
        for imp in IMPORTS[_module_name(path)]
        if _is_module(imp.target)
        and (not _under(imp.target, "campuseval.audit") or imp.target.endswith(".selectors"))
    }
    problems: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.db.models":
            names = [a.name for a in node.names if a.name in ORM_EXPRESSIONS]
            if names:
                problems.append((node.lineno, f"imports {', '.join(names)} from django.db.models"))
        elif isinstance(node, ast.ImportFrom) and node.module == "django.db":
            orm_modules |= {a.asname or a.name for a in node.names if a.name == "models"}
        elif isinstance(node, ast.Import):
            orm_modules |= {
                a.asname for a in node.names if a.name == "django.db.models" and a.asname
            }
        elif isinstance(node, ast.Attribute) and node.attr in ORM_ATTRIBUTES:
            problems.append((node.lineno, f"ORM query: .{node.attr}"))
        elif isinstance(node, ast.Call):
            name, owner = _callee(node.func)
            if name == "Prefetch":
                problems.append((node.lineno, "ORM query: Prefetch(...)"))
            elif name.startswith("audit_") and owner not in readers:
                problems.append((node.lineno, f"audit call: {name}(...)"))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in ORM_EXPRESSIONS
            and isinstance(node.value, ast.Name)
            and node.value.id in orm_modules
        ):
            problems.append((node.lineno, f"ORM expression: {node.value.id}.{node.attr}"))
    # Another app's views write no audit records; the audit app's own views call its services,
    # as every app's views do (audit_* calls are flagged above all the same).
    own_app = _under(_module_name(path), "campuseval.audit")
    for imp in IMPORTS[_module_name(path)]:
        if _under(imp.target, AUDIT_SERVICES) and not own_app:
            problems.append((int(imp.where.rpartition(":")[2]), f"imports {AUDIT_SERVICES}"))
    return [f"{_relative(path)}:{line}: {what}" for line, what in sorted(set(problems))]


def test_views_run_no_queries_and_write_no_audit_records():
    problems = [p for path in sorted(VIEW_FILES) for p in _view_problems(path)]
    _report("views doing ORM or audit work; move it into selectors/services", problems)
