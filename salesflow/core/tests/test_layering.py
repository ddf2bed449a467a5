"""``core`` is the bottom layer: it may use Django and ``org`` (users and the access mechanism), never an app above."""

import ast
from pathlib import Path

import salesflow.core

CORE = Path(salesflow.core.__file__).parent
ABOVE_CORE = {"customers", "leads", "pipeline", "catalog", "contracts", "insights", "activities", "performance"}


def imported_modules(source: str, package: str) -> set[str]:
    """Every module a Python source imports, including relative imports resolved against ``package``."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def apps_above_core_imported_by(path: Path) -> set[str]:
    package = "salesflow.core." + ".".join(path.relative_to(CORE).parent.parts)
    found = set()
    for module in imported_modules(path.read_text(encoding="utf-8"), package.rstrip(".")):
        parts = module.split(".")
        if len(parts) > 1 and parts[0] == "salesflow" and parts[1] in ABOVE_CORE:
            found.add(".".join(parts[:2]))
    return found


def test_the_import_parser_finds_absolute_relative_and_nested_imports():
    source = ("import salesflow.leads.models\nfrom salesflow.pipeline import models\n"
              "def f():\n    from ....customers.models import Customer\n")
    found = imported_modules(source, "salesflow.core.management.commands")
    assert {"salesflow.leads.models", "salesflow.pipeline", "salesflow.customers.models.Customer"} <= found


def test_core_imports_no_app_above_it():
    offenders = {}
    for path in sorted(CORE.rglob("*.py")):
        if "tests" in path.relative_to(CORE).parts or "migrations" in path.relative_to(CORE).parts:
            continue
        if found := apps_above_core_imported_by(path):
            offenders[str(path.relative_to(CORE))] = sorted(found)
    assert offenders == {}
