"""A page's responses as a threaded list, built in Python from one query."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Response


@dataclass
class Entry:
    """One response in display order; `has_children` opens a nested list, `closes` ends that many."""

    response: Response
    depth: int
    has_children: bool = False
    closes: range = range(0)


def build(responses: Iterable[Response], depth_limit: int) -> list[Entry]:
    """Pre-order walk; replies deeper than `depth_limit` are shown at the last level, after their parent
    (WordPress's Walker_Comment does the same). Replies to a response that is not shown become top-level."""
    responses = list(responses)
    visible = {r.pk for r in responses}
    children: dict[int | None, list[Response]] = defaultdict(list)
    for response in responses:
        children[response.parent_id if response.parent_id in visible else None].append(response)
    depth_limit = max(depth_limit, 1)
    entries: list[Entry] = []
    stack = [(r, 1) for r in reversed(children[None])]
    while stack:
        response, depth = stack.pop()
        entries.append(Entry(response, min(depth, depth_limit)))
        stack.extend((child, depth + 1) for child in reversed(children[response.pk]))
    for index, entry in enumerate(entries):
        next_depth = entries[index + 1].depth if index + 1 < len(entries) else 1
        entry.has_children = next_depth > entry.depth
        entry.closes = range(max(entry.depth - next_depth, 0))
    return entries
