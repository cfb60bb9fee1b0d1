"""Who a history row names: the one way services attribute their writes.

In a request simple-history's `HistoryRequestMiddleware` puts the request on
`HistoricalRecords.context` and every history row names `request.user`. Services also run
without a request (management commands, background work, tests calling them directly);
there the `user` the service was given stands in for the request's user. Nothing sets
`_history_user` on instances by hand.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import ParamSpec, TypeVar

from simple_history.models import HistoricalRecords

P = ParamSpec("P")
R = TypeVar("R")
_UNSET = object()


def _request_user_known() -> bool:
    request = getattr(HistoricalRecords.context, "request", None)
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_authenticated", False))


@contextmanager
def acting_user(user) -> Iterator[None]:
    """History rows written inside the block name `user`, unless a request's logged-in user
    is already known (then the middleware names the same person)."""
    if user is None or _request_user_known():
        yield
        return
    context = HistoricalRecords.context
    previous = getattr(context, "request", _UNSET)
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is _UNSET:
            del context.request
        else:
            context.request = previous


def attributed(service: Callable[P, R]) -> Callable[P, R]:
    """A service whose history rows name its `user=` argument when no request does."""

    @functools.wraps(service)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with acting_user(kwargs.get("user")):
            return service(*args, **kwargs)

    return wrapper
