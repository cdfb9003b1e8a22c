"""Quiet publishing: publish pages and store responses without telling anyone, as WordPress does
while ``WP_IMPORTING`` is set.

Inside ``quietly()`` nothing leaves the site because of a publish: no pingbacks, webmentions or
trackbacks (linkbacks records the page's links as already sent instead, so a later edit pings only
links that are new), no WebSub pings (podcast), no emails to authors, moderators or readers
(discussion). The WordPress and podcast imports and the demo loader enter it.

It lives here, in the base app every publishing app already depends on (blog, podcast, wordpress,
linkbacks, demo), so each may ask ``is_quiet()`` without importing a sibling. The state is a
context variable: it follows the code that entered it, not other threads or requests. Each
signal handler asks when the publish happens, not in an on-commit callback that may run after the
block has ended.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_quiet: ContextVar[bool] = ContextVar("discussion_quiet_publishing", default=False)


@contextmanager
def quietly() -> Iterator[None]:
    """Publish and save inside this block without sending anything to anyone."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def is_quiet() -> bool:
    """True inside ``quietly()``: skip anything that would tell another site or person."""
    return _quiet.get()
