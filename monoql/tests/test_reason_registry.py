"""The error-reason registry (issue 21): every reason the code can answer is declared, once, with its code;
docs/errors.md is generated from the registries."""

import ast
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from monoql import reasons
from monoql.errors import HTTP_STATUS, DomainError

ROOT = Path(__file__).resolve().parents[2]
APPS = ("monoql", "accounts", "campaigns", "codes", "entries", "exports")
#: Helpers that take a reason positionally: name -> index of the reason argument.
POSITIONAL = {"_fail": 2, "fail_market": 2, "bad_line": 2, "EligibilityResult": 1}


def _reason_literals():
    """``(reason, "path:line")`` for every reason spelled in the source (keyword, dict key, helper argument,
    parameter default), tests and migrations left out."""
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if "/tests/" in rel or "/migrations/" in rel:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.Call):
                    func = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
                    values = [kw.value for kw in node.keywords if kw.arg == "reason"]
                    if func in POSITIONAL and len(node.args) > POSITIONAL[func]:
                        values.append(node.args[POSITIONAL[func]])
                elif isinstance(node, ast.Dict):
                    values = [
                        v for k, v in zip(node.keys, node.values, strict=True) if getattr(k, "value", None) == "reason"
                    ]
                elif isinstance(node, ast.FunctionDef):
                    arguments = node.args.args[len(node.args.args) - len(node.args.defaults) :]
                    values = [d for a, d in zip(arguments, node.args.defaults, strict=True) if a.arg == "reason"]
                else:
                    continue
                for value in values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        yield value.value, f"{rel}:{node.lineno}"


def test_every_reason_in_the_code_is_declared():
    # given every reason the source spells
    spelled = list(_reason_literals())
    # then each is declared in an app's registry
    assert len(spelled) > 200
    missing = sorted({f"{reason} ({where})" for reason, where in spelled if not reasons.declared(reason)})
    assert missing == []


def test_every_declared_reason_has_an_api_code_a_meaning_and_a_surface():
    members = reasons.all_reasons()
    assert len(members) >= 160
    for member in members:
        assert member.code in HTTP_STATUS, member
        assert len(member.meaning) >= 10 and member.meaning.endswith((".", ")")), member
        assert member.surfaces, member


def test_a_condition_spelled_per_surface_keeps_each_spelling():
    # the catalog's export service says CampaignNotFound, the code service supremeUserRequired
    assert reasons.lookup("CampaignNotFound") is reasons.lookup("CAMPAIGN_NOT_FOUND")
    assert reasons.lookup("supremeUserRequired") is reasons.lookup("SUPREME_USER_REQUIRED")
    assert reasons.lookup("CAMPAIGN_NOT_FOUND").spellings == {
        "graphql": "CAMPAIGN_NOT_FOUND",
        "export REST": "CampaignNotFound",
    }


def test_raising_an_undeclared_reason_is_reported():
    # when
    DomainError("Something odd.", reason="SOMETHING_NOBODY_DECLARED")
    # then the suite's check sees it (and this test takes it back)
    assert reasons.undeclared == ["SOMETHING_NOBODY_DECLARED"]
    reasons.undeclared.clear()


def test_a_spelling_cannot_be_declared_twice():
    with pytest.raises(ValueError, match="declared twice"):

        @reasons.register
        class Clash(reasons.ReasonEnum):
            CAMPAIGN_NOT_FOUND = ("NOT_FOUND", "Another meaning of the same spelling.")


def test_docs_errors_md_is_generated_from_the_registries():
    call_command("errors_doc", "--check")


#: The reasons the catalog names (§4, and §3 for gates and sessions), in the catalog's own spellings; this
#: test's own copy, never read from the registry.
CATALOG_SPELLINGS = {
    "CAMPAIGN_CLOSED",
    "CAMPAIGN_NOT_FOUND",
    "CampaignMissingChecklistItems",
    "CampaignNotFound",
    "DOMAIN_NAME_CONFLICT",
    "ENTRY_NOT_FOUND",
    "EntryEmptyField",
    "EntryInvalidBoolean",
    "EntryInvalidChecklistVals",
    "EntryInvalidDestinationCity",
    "EntryInvalidField",
    "EntryInvalidFreeFormTextInRange",
    "EntryInvalidTicketCount",
    "EntryInvalidTicketCountInRange",
    "ExportNotFound",
    "INVALID_CAMPAIGN",
    "INVALID_CAMPAIGN_PASSWORD",
    "INVALID_CAMPAIGN_PERMISSIONS",
    "INVALID_CAMPAIGN_SCHEMA",
    "INVALID_CAMPAIGN_STATUS_CHANGE",
    "INVALID_MARKET_SCHEMA",
    "INVALID_PRESALE_WINDOW_DATE_ORDER",
    "INVALID_PROMOTER_SCHEMA",
    "InvalidCampaignType",
    "InvalidDateKey",
    "InvalidDateKeyType",
    "InvalidExportType",
    "InvalidPreferenceCampaignSchemaType",
    "InvalidStatus",
    "InvalidType",
    "MARKET_NOT_FOUND",
    "MISSING_PRESALE_WINDOW_DATE",
    "NOT_LINKED",
    "NO_CARD",
    "NO_INVITE",
    "NO_PAST_PARTICIPATION",
    "PROMOTER_NOT_FOUND",
    "PromotersNotFound",
    "SUPREME_USER_REQUIRED",
    "emptyCodes",
    "invalidCampaignStatus",
    "invalidCodesProp",
    "invalidCount",
    "invalidFileKey",
    "invalidSession",
    "invalidTargetField",
    "marketNameExists",
    "missingCodeReserveParams",
    "missingCodes",
    "missingType",
    "notLoggedIn",
    "phoneAlreadyConfirmed",
    "supremeUserRequired",
}


def test_reasons_the_catalog_does_not_name_are_spelled_upper_snake():
    # given every spelling of every declared reason
    spellings = {spelling for member in reasons.all_reasons() for spelling in member.spellings.values()}
    # then the catalog's keep the catalog's spelling, and every other one is UPPER_SNAKE (one style)
    invented = spellings - CATALOG_SPELLINGS
    assert len(invented) >= 100
    assert sorted(s for s in invented if not re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", s)) == []
