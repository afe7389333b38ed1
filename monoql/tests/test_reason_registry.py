"""The error-reason registry (issue 21): every reason the code can answer is declared, once, with its code;
docs/errors.md is generated from the registries."""

import ast
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from monoql import reasons
from monoql.errors import HTTP_STATUS, DomainError
from tests.reason_references import declared_members, misspelt_reason_references

ROOT = Path(__file__).resolve().parents[2]
APPS = ("monoql", "accounts", "campaigns", "codes", "entries", "exports")
#: Helpers that take a reason positionally: name -> index of the reason argument.
POSITIONAL = {"_fail": 2, "fail_market": 2, "bad_line": 2, "_non_empty_text": 0}


def _reason_literals():
    """``(reason, "path:line", "dict" or "call")`` for every reason spelled in the source (keyword, dict key, helper argument,
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
                        yield value.value, f"{rel}:{node.lineno}", "dict" if isinstance(node, ast.Dict) else "call"


def test_no_raise_site_spells_a_reason_as_a_string():
    # given every reason the source spells as a string where an error is raised (dicts are wire values: kept)
    spelled = [(reason, where) for reason, where, kind in _reason_literals() if kind != "dict"]
    # then there is none: raise sites pass registry members
    assert spelled == []


def test_every_reason_member_the_code_writes_is_declared():
    # given the source's references to registry members
    members = declared_members(ROOT)
    assert set(members) == {
        "AccountsReason",
        "CampaignsReason",
        "CodesReason",
        "CoreReason",
        "EntriesReason",
        "ExportsReason",
    }
    # then each names a declared member (conftest.py stops the suite as it loads otherwise)
    assert misspelt_reason_references(ROOT) == []


def test_a_misspelt_member_is_found(tmp_path):
    # given a tree whose code writes a member its registry does not declare
    for path in ("monoql/core_reasons.py", "entries/reasons.py"):
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text((ROOT / path).read_text())
    (tmp_path / "entries" / "services.py").write_text(
        "from entries.reasons import EntriesReason\n\n\ndef f():\n"
        "    raise ValueError(EntriesReason.MARKET_NOT_FUOND)\n    return EntriesReason.INVALID_TYPE.spelled('x')\n"
    )
    # then the scan names it, and only it
    assert misspelt_reason_references(tmp_path) == ["entries/services.py:5 EntriesReason.MARKET_NOT_FUOND"]


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


def test_a_reason_passed_as_a_string_is_refused():
    with pytest.raises(TypeError, match="reason must be a member of an app's reason registry"):
        DomainError("Something odd.", reason="SOMETHING_NOBODY_DECLARED")
    # and a stored spelling comes back as its member, spelled as stored
    error = DomainError("Gone.", reason=reasons.named("CampaignNotFound"))
    assert (error.reason, error.reason_member) == ("CampaignNotFound", reasons.lookup("CAMPAIGN_NOT_FOUND"))
    with pytest.raises(LookupError):
        reasons.named("SOMETHING_NOBODY_DECLARED")


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


def test_an_endpoint_answering_a_reason_it_does_not_declare_is_reported():
    from campaigns.reasons import CampaignsReason
    from codes.reasons import CodesReason
    from monoql.api.exceptions import _check_declared

    class ReserveLike:
        surface = reasons.CODE_REST
        errors = (CodesReason.invalidCount,)

    # when a view answers a reason it declares, or one its surface's plumbing answers everywhere, nothing is reported
    _check_declared(DomainError("Bad count.", reason=CodesReason.invalidCount), ReserveLike())
    _check_declared(DomainError("Not JSON.", reason=reasons.named("INVALID_JSON")), ReserveLike())
    assert reasons.unexpected == []
    # when it answers another, then the suite's check sees it (and this test takes it back)
    _check_declared(DomainError("Gone.", reason=CampaignsReason.CAMPAIGN_NOT_FOUND), ReserveLike())
    assert reasons.unexpected == ["ReserveLike (code REST): CAMPAIGN_NOT_FOUND"]
    reasons.unexpected.clear()
    # and the docs list a reason on an API only where an endpoint declares it
    from monoql.management.commands.errors_doc import declare_rest_views

    assert declare_rest_views() >= 13
    assert reasons.answered_on(CodesReason.invalidCount) == (reasons.CODE_REST,)
    assert reasons.answered_on(CampaignsReason.NOT_JSON) == ()
