"""The house has floors (README, Layout): crm ← partners ← agreements ← meetings ← network. A
module imports only its own floor and those below; only crm's wiring (settings, urls, wsgi, asgi)
may import the domain apps. Each app's migrations index its own tables only."""
import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import RunPython, RunSQL

FLOORS = ["crm", "partners", "agreements", "meetings", "network"]
WIRING = {"crm/settings.py", "crm/urls.py", "crm/wsgi.py", "crm/asgi.py"}
ROOT = Path(settings.BASE_DIR)


def imported_modules(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module


def upward_imports(floor_names=FLOORS, wiring=WIRING, root=ROOT):
    """Every import of a floor above the importing module's own, as 'file:line imports module'."""
    found = []
    for floor, package in enumerate(floor_names):
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if relative in wiring:
                continue
            for line, module in imported_modules(ast.parse(path.read_text(encoding="utf-8"))):
                top = module.split(".")[0]
                if top in floor_names and floor_names.index(top) > floor:
                    found.append(f"{relative}:{line} imports {module}")
    return found


def test_every_module_imports_only_its_own_floor_and_those_below():
    assert upward_imports() == []


def test_the_layout_test_names_the_file_and_the_import_that_break_the_rule(tmp_path):
    (tmp_path / "low").mkdir()
    (tmp_path / "high").mkdir()
    (tmp_path / "low" / "views.py").write_text("import os\n\nfrom high.models import Thing\n")
    (tmp_path / "high" / "models.py").write_text("from low import views\n")
    assert upward_imports(["low", "high"], set(), tmp_path) == ["low/views.py:3 imports high.models"]


CREATE_INDEX = re.compile(r"CREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF NOT EXISTS\s+)?\w+\s+ON\s+(\w+)", re.I)


def indexed_tables(operation):
    if isinstance(operation, RunSQL):
        statements = operation.sql if isinstance(operation.sql, (list, tuple)) else [operation.sql]
        return [table for sql in statements for table in CREATE_INDEX.findall(str(sql))]
    if isinstance(operation, RunPython):
        return [definition.split()[0] for definition in getattr(operation, "index_definitions", {}).values()]
    return []


def test_each_apps_migrations_create_indexes_on_its_own_tables_only():
    loader = MigrationLoader(None, ignore_no_migrations=True)
    foreign = []
    for (app_label, name), migration in loader.disk_migrations.items():
        if app_label not in FLOORS:
            continue
        for operation in migration.operations:
            foreign += [
                f"{app_label}.{name} indexes {table}"
                for table in indexed_tables(operation)
                if not table.startswith(f"{app_label}_")
            ]
    assert foreign == []


@pytest.mark.parametrize(
    "sql, table", [("CREATE UNIQUE INDEX IF NOT EXISTS x ON agreements_fundingtotal (a)", "agreements_fundingtotal")]
)
def test_index_statements_are_read_for_their_table(sql, table):
    assert indexed_tables(RunSQL(sql)) == [table]
