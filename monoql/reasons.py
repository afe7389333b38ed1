"""The registry of error reasons (issue 21): every ``reason`` an answer can carry is declared once, in its
app's ``reasons.py``, as a member of that app's ``ReasonEnum``: the API code it comes with, a one-line
meaning and the surfaces that answer it. Where the catalog spells one condition differently per surface
(GraphQL, the code service's REST, the export service's REST), the member lists each surface's spelling
and each surface keeps answering its own.

Apps register their enum when they load (``register``); ``declared(reason)`` answers whether a spelling is
known, ``all_reasons()`` lists the members (``docs/errors.md`` is generated from them by
``manage.py errors_doc``). Raise sites pass members (``EntriesReason.MARKET_NOT_FOUND``), never strings:
``monoql.errors.DomainError`` refuses a string, mypy checks the member exists, and the test suite's start checks
every ``<App>Reason.<NAME>`` written in the source names a declared member (issue 42).
"""

from collections.abc import Iterable
from enum import Enum
from typing import NamedTuple

#: The surfaces an answer reaches a client through.
GRAPHQL = "graphql"
CODE_REST = "code REST"
EXPORT_REST = "export REST"
REST = "REST"
FAN_SITE = "fan site"
ADMIN = "admin"
COMMAND = "manage.py"
#: Not an error: a value of ``Eligibility.reason`` (``viewer.campaign.eligibility``), telling a fan why not.
ELIGIBILITY = "eligibility"


class ReasonEnum(Enum):
    """Base of the per-app reason enums. Member name = the reason as GraphQL answers it; value =
    ``(code, meaning)`` or ``(code, meaning, surfaces)`` or ``(code, meaning, surfaces, {surface: spelling})``
    for a condition the catalog spells differently on another surface."""

    def __init__(self, code: str, meaning: str, surfaces: tuple = (GRAPHQL,), spellings: dict | None = None):
        self.code = code
        self.meaning = meaning
        self.surfaces = tuple(surfaces)
        self.spellings = {GRAPHQL: self.name, **(spellings or {})}

    def spelled(self, surface: str) -> "Spelled":
        """This reason as ``surface`` spells it, for a raise site answering on that surface (the code service's
        ``supremeUserRequired``). Raises: KeyError for a surface with no spelling of its own."""
        return Spelled(self, self.spellings[surface])

    @property
    def app(self) -> str:
        """The app that declares the reason (its enum's module)."""
        return type(self).__module__.split(".")[0]


class Spelled(NamedTuple):
    """A reason with the spelling of one surface (``ReasonEnum.spelled``): what a raise site passes as ``reason``
    when its surface spells the condition differently."""

    member: ReasonEnum
    text: str


#: What a raise site passes as ``reason`` (``monoql.errors.DomainError``): a member, or a member spelled.
Reason = ReasonEnum | Spelled

_REGISTRY: dict[str, ReasonEnum] = {}


def register(enum: type[ReasonEnum]) -> type[ReasonEnum]:
    """Add every member (and each of its spellings) of ``enum`` to the registry; returns ``enum``.

    Raises: ValueError when a spelling is declared twice with another meaning.
    """
    for member in enum:
        for spelling in member.spellings.values():
            known = _REGISTRY.get(spelling)
            if known is not None and known is not member:
                raise ValueError(f"reason {spelling!r} declared twice ({known.app} and {member.app})")
            _REGISTRY[spelling] = member
    return enum


def declared(reason: str) -> bool:
    """True when ``reason`` is a declared spelling."""
    return reason in _REGISTRY


def lookup(reason: str) -> ReasonEnum | None:
    """The member declaring ``reason``, or None."""
    return _REGISTRY.get(reason)


def named(spelling: str) -> Reason:
    """The reason a stored or passed-along spelling stands for (a job's recorded error, a gate's eligibility): its
    member, or the member spelled so. Raises LookupError for an undeclared spelling."""
    member = _REGISTRY.get(spelling)
    if member is None:
        raise LookupError(f"undeclared reason {spelling!r}")
    return member if member.name == spelling else Spelled(member, spelling)


def text_of(reason: Reason) -> str:
    """The spelling a client reads for ``reason`` (a member's GraphQL name, or its surface's spelling)."""
    return reason.text if isinstance(reason, Spelled) else reason.name


def all_reasons() -> list[ReasonEnum]:
    """Every declared member once, by app then name."""
    members = {id(member): member for member in _REGISTRY.values()}.values()
    return sorted(members, key=lambda member: (member.app, member.name))


#: The surfaces an API answers on: a reason is listed on one only where an endpoint of it declares the reason
#: (GraphQL operations through ``operation_doc``, REST views through ``errors`` and their access, each endpoint's
#: own plumbing through ``declare_answers``), never by hand (docs/errors.md; issue 42).
API_SURFACES = (GRAPHQL, REST, CODE_REST, EXPORT_REST)
_ANSWERS: dict[str, set[ReasonEnum]] = {surface: set() for surface in API_SURFACES}
#: Reasons every endpoint of a surface can answer (its plumbing: tokens, rate limits, a body that is not JSON).
_EVERYWHERE: dict[str, set[ReasonEnum]] = {surface: set() for surface in API_SURFACES}
#: Reasons an endpoint answered without declaring them (``monoql.api.exceptions``; the test suite fails on any).
unexpected: list[str] = []


def member_of(reason: Reason | str) -> ReasonEnum:
    """The member behind a reason given as a member, a spelled member or a spelling. Raises LookupError for an
    undeclared spelling."""
    found = named(reason) if isinstance(reason, str) else reason
    return found.member if isinstance(found, Spelled) else found


def declare_answers(surface: str, reasons: Iterable[Reason | str], *, everywhere: bool = False) -> None:
    """Record that an endpoint of ``surface`` (one of ``API_SURFACES``) answers ``reasons`` (members, spelled
    members or spellings); ``everywhere``: every endpoint of it does (its plumbing).
    Raises LookupError for an undeclared spelling, ValueError for another surface."""
    if surface not in _ANSWERS:
        raise ValueError(f"{surface!r} is not an API surface")
    for reason in reasons:
        _ANSWERS[surface].add(member_of(reason))
        if everywhere:
            _EVERYWHERE[surface].add(member_of(reason))


def may_answer(surface: str, reason: Reason | str, declared: Iterable[Reason | str]) -> bool:
    """True when an endpoint of ``surface`` that declares ``declared`` may answer ``reason``."""
    member = member_of(reason)
    return member in _EVERYWHERE.get(surface, set()) or member in {member_of(other) for other in declared}


def answered_on(member: ReasonEnum) -> tuple[str, ...]:
    """The API surfaces whose endpoints declare ``member`` (after the schema and the URLconf are loaded)."""
    return tuple(surface for surface in API_SURFACES if member in _ANSWERS[surface])


def operation_doc(summary: str, access: str, *reasons: Reason | str) -> str:
    """A GraphQL operation's description: what it does, who may call it and the reasons it can answer, each
    with its code read from the registry (the text never drifts from it).

    Args: ``summary`` (sentences), ``access`` (who may call), ``reasons`` (members, or spellings as this operation
    answers them). Returns the description. Raises LookupError for an undeclared reason.
    """
    errors = []
    for given in dict.fromkeys(reasons):
        reason = given if isinstance(given, str) else text_of(given)
        member = lookup(reason)
        if member is None:
            raise LookupError(f"undeclared reason {reason!r} in an operation description")
        errors.append(f"{member.code} {reason}")
    declare_answers(GRAPHQL, reasons)
    text = f"{summary} Access: {access}."
    return text + (f" Errors: {', '.join(errors)} (docs/errors.md)." if errors else "")
