"""Dependencies point one way: recommendations → meetings → programmes (DESIGN.md section 2), without cycles.

Everything is read from the source with `ast`. The rules:

1. An app never imports the apps built on it (`FORBIDDEN`), not even inside a function: a lazy
   import still ties the lower app to the higher one.
2. No import cycle between modules of the project (envcrime, programmes, meetings, recommendations),
   counting module-level imports only (those in class bodies included; those inside functions not:
   they run when called, and are how a task reaches the service that enqueues it).
3. No import cycle between the packages, counting module-level imports, where the project package
   `envcrime` is two layers: its *helper* modules — those from which no chain of module-level
   imports reaches a module of an app (emails, pdf, downloads, exports, the admin building blocks
   in envcrime.admin) — sit below the apps; its other modules (home view, admin site, to-do panel,
   urls) sit above them. So envcrime may import every app, and an app may import only envcrime's
   helper modules (checked on its own, to name the offending import).
"""

import ast
from pathlib import Path

import pytest

PROJECT_DIR = Path(__file__).resolve().parent.parent
# Each app and the apps it must never import.
FORBIDDEN = {
    "programmes": {"meetings", "recommendations"},
    "meetings": {"recommendations"},
}


def imported_top_level_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("app", sorted(FORBIDDEN))
def test_an_app_never_imports_the_apps_built_on_it(app):
    offenders = {
        str(path.relative_to(PROJECT_DIR)): sorted(imported_top_level_packages(path) & FORBIDDEN[app])
        for path in sorted((PROJECT_DIR / app).rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_checker_sees_imports_inside_functions(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def seed():\n    import meetings.demo\n    from recommendations import demo\n")
    assert imported_top_level_packages(module) == {"meetings", "recommendations"}


# --- No import cycles (rules 2 and 3 of the docstring) -------------------------------------------

APPS = ("programmes", "meetings", "recommendations")
PACKAGES = ("envcrime", *APPS)


def module_name(path: Path, root: Path = PROJECT_DIR) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    return {module_name(path): path for package in PACKAGES for path in sorted((PROJECT_DIR / package).rglob("*.py"))}


def module_level_imports(path: Path, name: str, modules) -> set[str]:
    """Project modules that `path` (module `name`) imports when it is imported, functions skipped."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()

    def visit(nodes):
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                for alias in node.names:
                    found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base)
            visit(ast.iter_child_nodes(node))

    visit(ast.parse(path.read_text(), filename=str(path)).body)
    return {imported for imported in found if imported in modules and imported != name}


def import_graph() -> dict[str, set[str]]:
    modules = project_modules()
    return {name: module_level_imports(path, name, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(found)


def describe(component: list[str], graph: dict[str, set[str]]) -> str:
    edges = [f"{source} → {target}" for source in component for target in sorted(graph[source]) if target in component]
    return " ⇄ ".join(component) + "  (" + ", ".join(edges) + ")"


def envcrime_helpers(graph: dict[str, set[str]]) -> set[str]:
    """envcrime modules from which no chain of module-level imports reaches an app."""

    def reaches_an_app(name, seen):
        if name.split(".")[0] in APPS:
            return True
        seen.add(name)
        return any(reaches_an_app(target, seen) for target in graph[name] if target not in seen)

    return {name for name in graph if name.split(".")[0] == "envcrime" and not reaches_an_app(name, set())}


def layer(name: str, helpers: set[str]) -> str:
    package = name.split(".")[0]
    if package != "envcrime":
        return package
    return "envcrime (helpers)" if name in helpers else "envcrime (project)"


def package_graph(graph: dict[str, set[str]], helpers: set[str]) -> dict[str, set[str]]:
    packages: dict[str, set[str]] = {}
    for source, targets in graph.items():
        packages.setdefault(layer(source, helpers), set()).update(
            layer(target, helpers) for target in targets if layer(target, helpers) != layer(source, helpers)
        )
    return packages


def test_no_import_cycle_between_modules():
    graph = import_graph()
    found = [describe(component, graph) for component in cycles(graph)]
    assert not found, "module-level import cycles:\n" + "\n".join(found)


def test_apps_import_only_the_helper_modules_of_the_project_package():
    graph = import_graph()
    helpers = envcrime_helpers(graph)
    offenders = sorted(
        f"{source} → {target}"
        for source, targets in graph.items()
        if source.split(".")[0] in APPS
        for target in targets
        if target.split(".")[0] == "envcrime" and target not in helpers
    )
    assert not offenders, "an app imports an envcrime module that imports an app (a package cycle):\n" + "\n".join(
        offenders
    )


def test_no_import_cycle_between_packages():
    graph = import_graph()
    helpers = envcrime_helpers(graph)
    packages = package_graph(graph, helpers)
    found = [describe(component, packages) for component in cycles(packages)]
    assert not found, "package-level import cycles:\n" + "\n".join(found)


def test_the_cycle_finder_sees_module_level_cycles_and_skips_function_imports(tmp_path):
    for name, text in {
        "a.py": "from pkg import b\n",
        "b.py": "import pkg.a\n",
        "c.py": "def later():\n    from pkg import a\n",
        "__init__.py": "",
    }.items():
        (tmp_path / "pkg").mkdir(exist_ok=True)
        (tmp_path / "pkg" / name).write_text(text)
    modules = {module_name(path, tmp_path): path for path in (tmp_path / "pkg").glob("*.py")}
    graph = {name: module_level_imports(path, name, modules) for name, path in modules.items()}
    assert graph == {"pkg": set(), "pkg.a": {"pkg.b"}, "pkg.b": {"pkg.a"}, "pkg.c": set()}
    assert cycles(graph) == [["pkg.a", "pkg.b"]]


def test_an_envcrime_module_is_a_helper_only_while_no_chain_of_imports_reaches_an_app():
    graph = {
        "envcrime.emails": set(),
        "envcrime.admin": {"envcrime.exports"},
        "envcrime.exports": set(),
        "envcrime.workplace": {"meetings.models"},
        "envcrime.admin_site": {"envcrime.workplace"},
        "meetings.models": set(),
        "meetings.admin": {"envcrime.admin", "envcrime.admin_site"},
    }
    helpers = envcrime_helpers(graph)
    assert helpers == {"envcrime.emails", "envcrime.admin", "envcrime.exports"}
    assert cycles(package_graph(graph, helpers)) == [["envcrime (project)", "meetings"]]
