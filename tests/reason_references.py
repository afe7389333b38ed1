"""Every ``<App>Reason.<NAME>`` the source writes names a declared member (issue 42).

Read from the source alone (no Django): the registries' members come from each ``reasons.py``'s class body, the
references from every product module. ``conftest.py`` runs it as the suite loads, so a misspelt reason fails the
suite at import, before any test runs (mypy catches the same in ``make lint``).
"""

import ast
from pathlib import Path

APPS = ("monoql", "accounts", "campaigns", "codes", "entries", "exports")
#: What a member offers besides the members themselves (``.spelled(surface)``, ``.name`` …).
MEMBER_API = {"spelled", "name", "value", "code", "meaning", "surfaces", "spellings", "app"}


def declared_members(root: Path) -> dict[str, set[str]]:
    """``{enum class name: {member names}}`` of every reason registry under ``root``."""
    members: dict[str, set[str]] = {}
    for path in [root / "monoql" / "core_reasons.py", *sorted(root.glob("*/reasons.py"))]:
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.ClassDef) and any(getattr(b, "id", "") == "ReasonEnum" for b in node.bases):
                members[node.name] = {
                    target.id
                    for item in node.body
                    if isinstance(item, ast.Assign)
                    for target in item.targets
                    if isinstance(target, ast.Name)
                }
    return members


def misspelt_reason_references(root: Path) -> list[str]:
    """``["path:line Enum.NAME", …]`` for each reference to a member no registry declares (tests, migrations left
    out), sorted."""
    members = declared_members(root)
    found = []
    for app in APPS:
        for path in sorted((root / app).rglob("*.py")):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in relative:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Attribute)
                    and isinstance(node.value, ast.Name)
                    and node.value.id in members
                    and node.attr not in members[node.value.id]
                    and node.attr not in MEMBER_API
                ):
                    found.append(f"{relative}:{node.lineno} {node.value.id}.{node.attr}")
    return sorted(found)
