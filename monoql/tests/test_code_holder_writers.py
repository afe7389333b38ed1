"""Every writer of a code's holder takes the holder lock (issue 34 point 1; decisions.md "Locks that refuse
misuse"): a function that writes ``Code.entry``/``Code.fan`` — an ORM update, an attribute set on a code, or a SQL
statement updating ``codes_code``'s ``entry_id``/``fan_id`` — calls ``lock_code_holders`` itself. A new writer that
forgets it fails here; the lock's own misuse (outside a transaction) raises, and its keys are per campaign."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

from accounts.models import Fan
from campaigns.models import Campaign, Market
from codes.services.inventory import lock_code_holders
from conftest import TEST_ACTOR, held_in_another_session
from entries.models import Entry
from monoql.errors import Unavailable
from monoql.workflows.privacy import erase_fan

ROOT = Path(settings.BASE_DIR)
APPS = ("monoql", "accounts", "campaigns", "codes", "entries", "exports")

#: What writes a holder: SQL updating codes_code's holder columns, ORM updates naming them, attributes of a code.
SQL_WRITE = re.compile(r"UPDATE\s+codes_code\b.*?\bSET\b.*?\b(entry_id|fan_id)\s*=", re.S | re.I)
PY_WRITES = (
    re.compile(r"\.update\([^)]*\b(entry|fan|entry_id|fan_id)\s*="),
    re.compile(r"\bcode\.(entry|fan|entry_id|fan_id)\s*="),
)
LOCK_CALL = "lock_code_holders("


def _constants(tree: ast.Module) -> dict[str, str]:
    """Module-level string constants (SQL statements) by name."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Constant, ast.JoinedStr)):
            text = ast.unparse(node.value)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = text
    return found


def unlocked_holder_writers(source: str, name: str = "<source>") -> list[str]:
    """``["module:function"]`` of the functions in ``source`` that write a code's holder without the lock."""
    tree = ast.parse(source)
    sql_names = {key for key, text in _constants(tree).items() if SQL_WRITE.search(text)}
    offenders = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        body = ast.get_source_segment(source, node) or ""
        uses_sql = any(re.search(rf"\b{re.escape(sql)}\b", body) for sql in sql_names) or SQL_WRITE.search(body)
        writes = uses_sql or any(pattern.search(body) for pattern in PY_WRITES)
        if writes and LOCK_CALL not in body and node.name != "lock_code_holders":
            offenders.append(f"{name}:{node.name}")
    return offenders


def _sources():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if {"tests", "migrations"} & set(path.relative_to(ROOT).parts):
                continue
            yield path.relative_to(ROOT).as_posix(), path.read_text()


def test_every_writer_of_a_codes_holder_takes_the_holder_lock():
    offenders = [found for name, source in _sources() for found in unlocked_holder_writers(source, name)]
    assert offenders == []


def test_the_check_catches_an_unlocked_writer():
    """The test above can fail: a planted writer in each style is reported, a locked one is not."""
    planted = """
_ASSIGN = "UPDATE codes_code SET entry_id = %s WHERE id = %s"


def by_sql(cursor):
    cursor.execute(_ASSIGN, [1, 2])


def by_orm(entry):
    Code.objects.filter(pk=1).update(entry=entry, fan_id=entry.fan_id)


def by_attribute(code, fan):
    code.fan_id = fan.pk
    code.save()


def locked(code, fan):
    lock_code_holders(code.campaign_id)
    code.fan_id = fan.pk
"""
    assert unlocked_holder_writers(planted, "planted") == ["planted:by_sql", "planted:by_orm", "planted:by_attribute"]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_holder_lock_refuses_misuse_and_is_kept_per_campaign(require_postgres, settings):
    # outside a transaction it would protect nothing: it raises
    with pytest.raises(RuntimeError):
        lock_code_holders("c1")
    # an erasure holding campaign c1 does not hold up an assignment in c2; one in c1 waits, then answers LOCK_TIMEOUT
    with held_in_another_session(lambda: lock_code_holders(["c1"], exclusive=True)):
        with transaction.atomic():
            lock_code_holders("c2")  # another campaign: at once
        settings.HOLDER_LOCK_TIMEOUT_SECONDS = 0.2
        with transaction.atomic():
            with pytest.raises(Unavailable) as busy:
                lock_code_holders("c1")
            assert (busy.value.code, busy.value.reason) == ("SERVICE_UNAVAILABLE", "LOCK_TIMEOUT")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_erasure_in_one_campaign_does_not_wait_on_a_selection_in_another(require_postgres, settings):
    """Issue 34: one global key made one erasure block code assignment in every campaign (and the reverse)."""
    # given a selection applying a market of campaign X (holding X's holder lock) and a fan of campaign Y only
    other = Campaign.objects.create(name="X")
    campaign = Campaign.objects.create(name="Y")
    market = Market.objects.create(campaign=campaign, name="A", city="A", state="", timezone="UTC")
    fan = Fan.objects.create(global_user_id="g-y")
    Entry.objects.create(campaign=campaign, fan=fan, market_0=market)
    settings.HOLDER_LOCK_TIMEOUT_SECONDS = 2
    with held_in_another_session(lambda: lock_code_holders(other.pk)) as selection_in_x:
        # when the fan of Y is erased meanwhile, then it completes while X's selection still holds its lock
        assert erase_fan(fan.pk, actor=TEST_ACTOR)["entries"] == 1
        assert selection_in_x.is_alive()
