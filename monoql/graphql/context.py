"""Per-request memos of the GraphQL resolvers, on one typed object of the request (issue 42), instead of
attributes set at will on ``info.context``: each memo is declared once here, with what it holds, and lives as long
as the request (the next request starts empty). In the spirit of Saleor's dataloaders on a typed context."""

from dataclasses import dataclass, field
from typing import Any


@dataclass
class RequestMemos:
    """What resolvers of one request keep for each other."""

    #: ``(campaign id, fan id)`` → the fan's ``Entry`` in the campaign, or None (``entries.graphql.resolvers``).
    viewer_entries: dict[tuple[str, str], Any] = field(default_factory=dict)
    #: entry id → the fan's selection result, or None (``entries.selection.graphql.campaign_fields``).
    viewer_selections: dict[int, Any] = field(default_factory=dict)


def memos(info_or_request: Any) -> RequestMemos:
    """The memos of the request behind a resolver's ``info`` (or of a request), created on first use."""
    request = getattr(info_or_request, "context", info_or_request)
    found = getattr(request, "graphql_memos", None)
    if not isinstance(found, RequestMemos):
        found = RequestMemos()
        setattr(request, "graphql_memos", found)  # noqa: B010 - the one attribute the memos live in
    return found
