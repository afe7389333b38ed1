"""Locked dependencies: the runtime lock holds what runs in production and nothing that only tests need."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)
TEST_ONLY = {
    "playwright",
    "scipy",
    "moto",
    "ruff",
    "pytest",
    "pytest-django",
    "hypothesis",
    "mypy",
    "matching",
}


def _pins(name: str) -> dict[str, str]:
    text = (ROOT / name).read_text()
    return {
        match.group(1).lower(): match.group(2)
        for match in re.finditer(r"^([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?==([^ \\\n]+)", text, re.MULTILINE)
    }


def test_every_locked_package_is_pinned_with_hashes():
    # Given both locks, when each requirement is read, then it is pinned exactly and carries a sha256 hash
    for name in ("requirements.txt", "requirements-dev.txt"):
        text = (ROOT / name).read_text()
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n\n", 1)[-1])
        requirements = [block for block in blocks if re.match(r"[A-Za-z0-9]", block)]
        assert requirements, name
        for block in requirements:
            assert "==" in block.split()[0] and "--hash=sha256:" in block, (name, block[:80])


def test_the_runtime_lock_has_no_test_tools_and_everything_the_app_imports():
    runtime = _pins("requirements.txt")
    assert set(runtime) & TEST_ONLY == set()
    for needed in ("django", "celery", "kombu", "billiard", "botocore", "urllib3", "asgiref", "sqlparse", "jsonschema"):
        assert needed in runtime, needed
    assert (ROOT / "Dockerfile").read_text().count("--require-hashes -r requirements.txt") == 1


def test_the_dev_lock_agrees_with_the_runtime_lock():
    runtime, dev = _pins("requirements.txt"), _pins("requirements-dev.txt")
    assert {name: version for name, version in dev.items() if name in runtime and runtime[name] != version} == {}
    assert TEST_ONLY <= set(dev)
