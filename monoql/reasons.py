"""The registry of error reasons (issue 21): every ``reason`` an answer can carry is declared once, in its
app's ``reasons.py``, as a member of that app's ``ReasonEnum``: the API code it comes with, a one-line
meaning and the surfaces that answer it. Where the catalog spells one condition differently per surface
(GraphQL, the code service's REST, the export service's REST), the member lists each surface's spelling
and each surface keeps answering its own.

Apps register their enum when they load (``register``); ``declared(reason)`` answers whether a spelling is
known, ``all_reasons()`` lists the members (``docs/errors.md`` is generated from them by
``manage.py errors_doc``). ``monoql.errors.DomainError`` reports an undeclared reason to ``undeclared``,
which the test suite turns into a failure.
"""

from enum import Enum

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

    @property
    def app(self) -> str:
        """The app that declares the reason (its enum's module)."""
        return type(self).__module__.split(".")[0]


_REGISTRY: dict[str, ReasonEnum] = {}
#: Reasons raised without a declaration (filled by ``monoql.errors``; the test suite fails on any).
undeclared: list[str] = []


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


def all_reasons() -> list[ReasonEnum]:
    """Every declared member once, by app then name."""
    members = {id(member): member for member in _REGISTRY.values()}.values()
    return sorted(members, key=lambda member: (member.app, member.name))


def operation_doc(summary: str, access: str, *reasons: str) -> str:
    """A GraphQL operation's description: what it does, who may call it and the reasons it can answer, each
    with its code read from the registry (the text never drifts from it).

    Args: ``summary`` (sentences), ``access`` (who may call), ``reasons`` (spellings as this operation answers
    them). Returns the description. Raises LookupError for an undeclared reason.
    """
    errors = []
    for reason in reasons:
        member = lookup(reason)
        if member is None:
            raise LookupError(f"undeclared reason {reason!r} in an operation description")
        errors.append(f"{member.code} {reason}")
    text = f"{summary} Access: {access}."
    return text + (f" Errors: {', '.join(errors)} (docs/errors.md)." if errors else "")
