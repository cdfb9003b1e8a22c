"""Content that changes by itself at a known time (comments closing, an episode's release) says when.

A page rendered before that moment is kept in the cache only until then, so the change shows on the
first request after it, like any other content change.
"""

import math
from datetime import datetime

from django.http import HttpRequest

ATTRIBUTE = "_pagecache_valid_until"


def until(request: HttpRequest | None, moment: datetime | None) -> None:
    """What this request renders stops being true at `moment` (aware datetime; None: no such moment)."""
    if request is None or moment is None:
        return
    stamp = moment.timestamp()
    setattr(request, ATTRIBUTE, min(getattr(request, ATTRIBUTE, math.inf), stamp))


def valid_until(request: HttpRequest) -> float:
    return getattr(request, ATTRIBUTE, math.inf)
