"""Transaction shapes, declared where a function needs one instead of promised in its docstring (issue 42).

A function that writes as part of its caller's transaction (an audit row, a lock, a retry's move, an erasure's
part) starts with ``require_transaction(what)`` or carries ``@inside_transaction``: called outside
``transaction.atomic()`` it raises ``TransactionRequired`` at once, before it writes anything, instead of
committing half of a unit of work. Top-level actions (the services the adapters call) open their own
``transaction.atomic()``.
"""

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.db import transaction

P = ParamSpec("P")
R = TypeVar("R")


class TransactionRequired(RuntimeError):
    """A function that must run inside its caller's transaction was called outside one."""


def require_transaction(what: str, using: str | None = None) -> None:
    """Raise ``TransactionRequired`` (``"<what> runs inside a transaction: …"``) unless the connection ``using``
    (default: the default database) is inside ``transaction.atomic()``. Returns None."""
    if not transaction.get_connection(using).in_atomic_block:
        raise TransactionRequired(f"{what} runs inside a transaction: outside one it would commit part of a whole")


def inside_transaction(function: Callable[P, R]) -> Callable[P, R]:
    """Decorate a function that must run inside its caller's transaction (``require_transaction`` on each call,
    named after the function)."""

    @wraps(function)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        require_transaction(function.__qualname__)
        return function(*args, **kwargs)

    return checked
