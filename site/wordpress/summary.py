"""What an import did, per kind of thing: created, updated, unchanged, skipped, failed, and why."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

KINDS = (
    "authors",
    "users",
    "categories",
    "tags",
    "attachments",
    "posts",
    "pages",
    "comments",
    "pingbacks",
    "trackbacks",
    "webmentions",
    "redirects",
    "other",
)
OUTCOMES = ("created", "updated", "unchanged", "skipped", "failed")


@dataclass
class Summary:
    """Counts per kind and outcome, the reason behind every skip and failure, and content notes per post."""

    dry_run: bool = False
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    reasons: list[tuple[str, str, str, str]] = field(default_factory=list)  # kind, outcome, what, why
    notes: dict[str, list[str]] = field(default_factory=dict)
    states: Counter = field(default_factory=Counter)  # posts and pages by how they were published

    def tally(self, kind: str, outcome: str, what: str = "", why: str = "") -> None:
        self.counts[kind][outcome] += 1
        if why:
            self.reasons.append((kind, outcome, what, why))

    def note(self, what: str, text: str) -> None:
        self.notes.setdefault(what, []).append(text)

    def merge(self, other: Summary) -> None:
        for kind, counter in other.counts.items():
            self.counts[kind].update(counter)
        self.reasons.extend(other.reasons)
        for what, notes in other.notes.items():
            self.notes.setdefault(what, []).extend(notes)
        self.states.update(other.states)

    def count(self, kind: str, outcome: str) -> int:
        return self.counts[kind][outcome]

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())

    def table(self) -> str:
        width = max(len(kind) for kind in KINDS)
        lines = [("Would import" if self.dry_run else "Imported") + " from WordPress:", ""]
        lines.append(f"{'':<{width}}  " + "  ".join(f"{outcome:>9}" for outcome in OUTCOMES))
        for kind in KINDS:
            if kind in self.counts:
                lines.append(f"{kind:<{width}}  " + "  ".join(f"{self.counts[kind][o]:>9}" for o in OUTCOMES))
        if self.states:
            lines += ["", "Posts and pages: " + ", ".join(f"{n} {state}" for state, n in sorted(self.states.items()))]
        failures = [reason for reason in self.reasons if reason[1] != "skipped"]
        skipped = Counter((kind, why) for kind, outcome, _what, why in self.reasons if outcome == "skipped")
        if failures or skipped:
            lines += ["", "Reasons:"]
        lines += [f"  {kind} {outcome}: {what}: {why}" for kind, outcome, what, why in failures]
        lines += [f"  {kind} skipped ×{number}: {why}" for (kind, why), number in skipped.items()]
        if self.notes:
            lines += ["", "Worth checking (markup kept as HTML, media left remote, things with no equivalent):"]
            lines += [f"  {what}: " + "; ".join(notes) for what, notes in self.notes.items()]
        return "\n".join(lines)
