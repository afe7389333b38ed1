"""The dependency order is executable (docs/architecture.md): import-linter's contracts hold, a forbidden
import breaks them, and nothing dodges them (imports hidden in functions, string imports, get_model)."""

import ast
import configparser
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from celery import current_app
from django.conf import settings

from entries.selection.services import selection, wave_prep, waves
from monoql.queue import UnknownTask, enqueue_on_commit

ROOT = Path(settings.BASE_DIR)
APPS = ("monoql", "accounts", "campaigns", "codes", "entries", "exports")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
#: Root composition and cross-app workflows: the only modules of the core that name the apps.
ROOT_COMPOSITION = ("monoql.schema", "monoql.urls", "monoql.celery", "monoql.wsgi", "monoql.settings", "monoql.apps")
ABOVE_THE_APPS = (
    "monoql.workflows",
    "monoql.management",
    "monoql.site",
    "monoql.console",
    "monoql.admin",
    "monoql.models",
    "monoql.tasks",
)


def _production_modules():
    """``(dotted name, path)`` of every module of the apps, tests and migrations left out."""
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "tests" in parts or "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            yield name, path


def _app_of(module: str) -> str:
    if module.startswith("entries.selection"):
        return "entries.selection"
    return module.split(".")[0]


def _run_lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300, check=False
    )


def test_the_contracts_hold_on_this_tree():
    # Given the committed tree, when import-linter checks it, then every contract is kept.
    result = _run_lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "Contracts: 3 kept, 0 broken." in result.stdout


@pytest.mark.parametrize(
    "module, forbidden",
    [
        ("codes/models.py", "from entries.models import Entry"),  # a lower app importing a higher one
        ("entries/services/scoring.py", "from entries.selection.models import WavePrep"),  # entries → selection
        ("campaigns/selectors.py", "from campaigns.admin import CampaignAdmin"),  # selectors → adapter
    ],
)
def test_a_forbidden_import_breaks_the_build(tmp_path, module, forbidden):
    # Given a scratch copy of the project with one import against the order added
    copy = tmp_path / "project"
    shutil.copytree(ROOT, copy, ignore=shutil.ignore_patterns(".venv", ".git", "media", "node_modules", "*.pyc"))
    target = copy / module
    target.write_text(target.read_text() + f"\n{forbidden}  # noqa\n")
    # When import-linter checks the copy, then it fails and names the import
    result = _run_lint_imports(copy)
    assert result.returncode != 0
    assert "BROKEN" in result.stdout
    assert forbidden.split()[1] in result.stdout


def test_no_import_of_another_app_hides_inside_a_function():
    # Given every production module, when its imports are read, then none of another app sits in a function
    hidden = []
    for name, path in _production_modules():
        tree = ast.parse(path.read_text())
        for function in ast.walk(tree):
            if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(function):
                targets = []
                if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    targets = [node.module]
                elif isinstance(node, ast.Import):
                    targets = [alias.name for alias in node.names]
                for target in targets:
                    if target.split(".")[0] in APPS and _app_of(target) != _app_of(name):
                        hidden.append(f"{name}:{node.lineno} imports {target}")
    assert hidden == []


DODGES = {"get_model", "import_module", "import_string", "__import__", "get_models"}


def test_no_string_import_dodges_the_order():
    # Given every production module outside root composition, when its calls are read, then none loads a
    # model or a module by name (apps.get_model, importlib, import_string) and nothing imports importlib.
    found = []
    for name, path in _production_modules():
        if name in ROOT_COMPOSITION:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import) and any(alias.name == "importlib" for alias in node.names):
                found.append(f"{name}:{node.lineno} imports importlib")
            if isinstance(node, ast.ImportFrom) and node.module == "importlib":
                found.append(f"{name}:{node.lineno} imports importlib")
            if isinstance(node, ast.Call):
                function = node.func
                called = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
                literal = next((a.value for a in node.args if isinstance(a, ast.Constant)), None)
                if called in DODGES and (
                    literal is None or str(literal).split(".")[0] in APPS or called == "get_model"
                ):
                    # A setting-driven plugin path (``import_string(settings.SMS_BACKEND)``) is root composition's
                    # choice, not a dodge: only literal names of our apps and every get_model are refused.
                    if literal is None and called == "import_string":
                        continue
                    found.append(f"{name}:{node.lineno} calls {called}({literal!r})")
    assert found == []


def test_every_core_module_is_placed_in_the_order():
    # Given the layers of the apps contract, when the core's modules are listed, then each one is named in a
    # layer (a new core module cannot escape the check by not being listed).
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = config["importlinter:contract:apps"]["layers"]
    named = {part.strip() for line in layers.splitlines() for part in line.split(":") if part.strip()}
    core = set()
    for path in (ROOT / "monoql").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if "tests" not in parts and parts != ("monoql", "__init__"):
            core.add(".".join(parts[:2]))
    assert sorted(core - named) == []
    assert set(ROOT_COMPOSITION) | set(ABOVE_THE_APPS) <= named


def test_every_app_module_is_placed_in_a_layer_of_its_app():
    # Given the layers inside each app, when every app's top-level modules and packages are listed, then each one
    # is named in a layer (a module in no layer could import anything of its app).
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter")
    layers = config["importlinter:contract:inside-apps"]["layers"]
    named = {part.strip().strip("()") for line in layers.splitlines() for part in line.split(":") if part.strip()}
    unplaced = []
    for app in ("accounts", "campaigns", "codes", "entries", "entries/selection", "exports"):
        for path in sorted((ROOT / app).iterdir()):
            name = path.stem if path.suffix == ".py" else path.name
            if path.suffix != ".py" and not (path / "__init__.py").exists():
                continue
            if name in ("__init__", "migrations") or (app == "entries" and name == "selection"):
                continue
            if name not in named:
                unplaced.append(f"{app.replace('/', '.')}.{name}")
    assert unplaced == []


def test_every_queued_task_name_is_registered():
    # Given the task names the services queue (constants ending in _TASK), when Celery's registry is read,
    # then each one is a registered task (the selection package's tasks are discovered in its new home).
    names = {selection.APPLY_TASK, selection.NOTIFY_TASK, wave_prep.RUN_TASK, waves.SWEEP_TASK, waves.PROCESS_TASK}
    assert names <= set(current_app.tasks)
    for task in settings.CELERY_BEAT_SCHEDULE.values():
        assert task["task"] in current_app.tasks


def test_an_unknown_task_name_is_an_error_in_tests():
    # Given the tests' strict queue, when a service queues a name no app registers, then it raises at once.
    with pytest.raises(UnknownTask, match="entries.no_such_task"):
        enqueue_on_commit("entries.no_such_task", 1)
