"""Dependencies point one way: recommendations → meetings → programmes (DESIGN.md section 2).

Read from the source with `ast`, so an import inside a function counts too: a lazy import still
ties the lower app to the higher one.
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
