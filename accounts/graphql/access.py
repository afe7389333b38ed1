"""Who may call an operation, declared where the operation is defined (issue 21, decisions.md #4).

An operation is an ``Operation`` field: besides its type and arguments it declares its ``access`` (one of
``ANYONE``, ``SIGNED_IN``, ``STAFF``, ``SUPREME`` or ``campaign_action(...)``), a one-line ``summary`` and the
domain ``errors`` it can answer. The field checks the access before its resolver runs, so no resolver calls a
permission helper by hand, and writes its description from the declaration: what it does, who may call it,
and every reason (the access's refusals first) with its code from the registry.

Refusals keep each surface's catalog spelling: ``notLoggedIn`` (UNAUTHENTICATED) for anonymous callers,
``INVALID_CAMPAIGN_PERMISSIONS`` / ``SUPREME_USER_REQUIRED`` / ``ADMIN_REQUIRED`` (FORBIDDEN) for the rest, and
the code service's ``supremeUserRequired`` on the code operations (catalog §4.4).
"""

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import graphene

from accounts.models import Fan
from accounts.permissions import campaign_permissions, is_supreme, require_campaign_action, require_supreme
from accounts.reasons import AccountsReason
from accounts.session import require_fan
from monoql.audit import Actor, Channel
from monoql.errors import DomainError, Forbidden, ValidationFailed
from monoql.reasons import GRAPHQL, Reason, declare_answers, may_answer, operation_doc, text_of, unexpected

# Every operation answers a bad, expired or revoked session token in the Authorization header (docs/errors.md)
declare_answers(
    GRAPHQL,
    [AccountsReason.INVALID_TOKEN, AccountsReason.EXPIRED_TOKEN, AccountsReason.REVOKED_TOKEN],
    everywhere=True,
)

#: (root, info, arguments) → None; raises the refusal.
Check = Callable[[Any, Any, dict[str, Any]], object]  # raises to refuse; what it returns is ignored


logger = logging.getLogger("monoql.graphql")


@dataclass(frozen=True)
class Access:
    """One access rule of an operation.

    Attributes: ``level`` (public, fan, staff, supreme, or the campaign action read/write/report/select),
    ``who`` (the description's "Access:" text), ``reasons`` (the refusals it answers, as spelled on this
    surface), ``check`` (raises Unauthenticated / Forbidden / ValidationFailed).
    """

    level: str
    who: str
    reasons: tuple[str, ...]
    check: Check = field(compare=False)


def _signed_in(root, info, args) -> None:
    require_fan(info)


def require_staff(info) -> Fan:
    """Return the signed-in staff member (supreme, or holding any action on a campaign).

    Raises: Unauthenticated ``notLoggedIn``; Forbidden ``ADMIN_REQUIRED``.
    """
    fan = require_fan(info)
    if not (is_supreme(fan) or campaign_permissions(fan)):
        raise Forbidden("Campaign staff only.", reason=AccountsReason.ADMIN_REQUIRED)
    return fan


def staff_actor(info) -> Actor:
    """The audit log's actor of a staff operation: the signed-in caller, through GraphQL.

    Raises: Unauthenticated ``notLoggedIn``.
    """
    return Actor.staff(require_fan(info), Channel.GRAPHQL)


ANYONE = Access("public", "anyone", (), lambda root, info, args: None)
SIGNED_IN = Access("fan", "signed-in fans", ("notLoggedIn",), _signed_in)
STAFF = Access(
    "staff",
    "staff (supreme users or anyone with an action on a campaign)",
    ("notLoggedIn", "ADMIN_REQUIRED"),
    lambda root, info, args: require_staff(info),
)
SUPREME = Access(
    "supreme",
    "supreme users",
    ("notLoggedIn", "SUPREME_USER_REQUIRED"),
    lambda root, info, args: require_supreme(require_fan(info)),
)


def campaign_action(
    action: str,
    campaign_id: str | Callable[[Any, dict[str, Any]], Any] = "campaignId",
    *,
    refused_reason: Reason = AccountsReason.INVALID_CAMPAIGN_PERMISSIONS,
    missing_reason: Reason | None = None,
    without_id: Access | None = None,
    who: str | None = None,
) -> Access:
    """The access of an operation on one campaign: ``action`` on it, or supreme.

    Args:
        action: read, write, report, select or invite (``accounts.permissions``).
        campaign_id: the argument holding the campaign id, or ``(root, arguments) → id``.
        refused_reason: the Forbidden reason as this surface spells it (``supremeUserRequired`` for codes).
        missing_reason: when the id may be absent: the VALIDATION_ERROR reason answered (signed-in callers).
        without_id: when the id may be absent: the access that applies then (creating a campaign: SUPREME).
        who: the "Access:" text when the default does not say it.

    Returns: the Access. Its check raises Unauthenticated ``notLoggedIn``, Forbidden ``refused_reason``, or
    ValidationFailed ``missing_reason``; the campaign's existence is the resolver's (after the permission,
    so ids cannot be probed).
    """
    read_id = campaign_id if callable(campaign_id) else (lambda root, args: args.get(campaign_id))

    def check(root, info, args) -> None:
        fan = require_fan(info)
        value = read_id(root, args)
        if not value:
            if without_id is not None:
                without_id.check(root, info, args)
                return
            name = campaign_id if isinstance(campaign_id, str) else "campaignId"
            raise ValidationFailed(
                f"{name} is required.", reason=missing_reason or AccountsReason.MISSING_CAMPAIGN_ID, field=name
            )
        try:
            require_campaign_action(fan, str(value), action)
        except Forbidden as refusal:
            if text_of(refused_reason) == refusal.reason:
                raise
            raise Forbidden("Supreme user access required", reason=refused_reason) from refusal

    reasons = ["notLoggedIn", text_of(refused_reason)]
    if without_id is None:
        reasons.append(text_of(missing_reason or AccountsReason.MISSING_CAMPAIGN_ID))
    if without_id is not None:
        reasons += [reason for reason in without_id.reasons if reason not in reasons]
    text = who or f"staff with `{action}` on the campaign, or supreme users"
    return Access(action, text, tuple(reasons), check)


def all_of(level: str, who: str, *rules: Access) -> Access:
    """An access made of several rules, each checked in order (copying markets: read one, write another)."""
    reasons = tuple(dict.fromkeys(reason for rule in rules for reason in rule.reasons))

    def check(root, info, args) -> None:
        for rule in rules:
            rule.check(root, info, args)

    return Access(level, who, reasons, check)


def guarded(access: Access, resolver: Callable[..., Any]) -> Callable[..., Any]:
    """``resolver`` preceded by ``access``'s check; the wrapper carries ``.access`` (the matrix test reads it)."""

    @functools.wraps(resolver)
    def resolve(root, info, **args):
        access.check(root, info, args)
        return resolver(root, info, **args)

    resolve.access = access  # type: ignore[attr-defined]
    return resolve


class Operation(graphene.Field):
    """A query or mutation field that declares who may call it (``access``), what it does (``summary``) and
    the domain reasons it can answer (``errors``, besides the access's refusals). Other arguments are
    ``graphene.Field``'s (type, arguments, ``resolver``)."""

    def __init__(self, type_, *args, access: Access, summary: str, errors: Iterable[Reason | str] = (), **kwargs):
        self.declared = (*access.reasons, *errors)
        kwargs["description"] = operation_doc(summary, access.who, *self.declared)
        super().__init__(type_, *args, **kwargs)
        self.access = access

    def wrap_resolve(self, parent_resolver):
        return declared_answers(self.declared, guarded(self.access, super().wrap_resolve(parent_resolver)))


def declared_answers(declared: tuple[Reason | str, ...], resolver: Callable[..., Any]) -> Callable[..., Any]:
    """``resolver`` reporting a domain error whose reason the operation does not declare (``errors``, its access,
    or the endpoint's plumbing) to ``monoql.reasons.unexpected`` (the test suite fails on it; in production it is
    logged and the answer still goes out): the descriptions and docs/errors.md stay true."""

    @functools.wraps(resolver)
    def resolve(root, info, **args):
        try:
            return resolver(root, info, **args)
        except DomainError as error:
            if error.reason_member is not None and not may_answer(GRAPHQL, error.reason_member, declared):
                unexpected.append(f"{info.field_name} (graphql): {error.reason}")
                logger.error("operation %s answered %s, which it does not declare", info.field_name, error.reason)
            raise

    return resolve
