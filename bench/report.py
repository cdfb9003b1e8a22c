"""What `make bench` prints at the end: every figure side by side, then each target met or missed.

The WordPress figures are issue 10's (WordPress 6.1, PHP 8.2 + opcache, 4 php-fpm workers, MariaDB,
no page cache, wrk -t2 -c16 on the same machine kind); they are quoted, not measured here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .load import CONNECTIONS, Load

MODES = ("cold", "app cache", "nginx")
WORDPRESS_STATIC_PER_SECOND = 21_167
APP_CACHE_TIMES_WORDPRESS = 20
NGINX_SHARE_OF_STATIC = 0.5
COMMENT_P99_MS = 50
COMMENT_PAUSE = 0.5  # seconds each paced connection waits between its POSTs


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    cold_single_ms_target: float
    wordpress_single_ms: float | None = None
    wordpress_per_second: float | None = None


PAGES = [
    Page("post, 200 responses", "/why-comments-still-matter/", 10, 53, 35.5),
    Page("home page", "/", 6, 20, 90),
    Page("/feed/", "/feed/", 6, 12, 155),
    Page("responses feed", "/discussion/feed/", 6, 10, 194),
    Page("seed post", "/mayo-clinic-sets-a-high-bar-with-social-media/", 6, 18, 106),
    Page("podcast feed", "/podcast/feed/", 6),
]


@dataclass(frozen=True)
class Row:
    bytes: int
    single_ms: float
    load: Load


@dataclass
class Figures:
    rows: dict[tuple[str, str], Row] = field(default_factory=dict)  # (mode, page name)
    queries: dict[str, dict[str, int]] = field(default_factory=dict)  # mode -> path -> count
    static: tuple[int, float, Load] | None = None  # bytes, single ms, load
    comments: dict[str, Load] = field(default_factory=dict)  # "full load", "paced"
    notes: list[str] = field(default_factory=list)

    def add(self, mode: str, page: str, *, bytes: int, single_ms: float, load: Load) -> None:
        self.rows[mode, page] = Row(bytes, single_ms, load)


def ratio_to_static(figures: Figures, row: Row) -> str:
    if not figures.static or not figures.static[2].per_second:
        return "-"
    return f"{row.load.per_second / figures.static[2].per_second:.3f}×"


def table(figures: Figures) -> list[str]:
    header = f"{'page':<21} {'mode':<9} {'bytes':>8} {'single ms':>9} {'req/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
    header += f" {'non-2xx':>7} {'SQL':>4} {'× static':>8}"
    lines = [header, "-" * len(header)]
    for page in PAGES:
        for mode in MODES:
            row = figures.rows.get((mode, page.name))
            if row is None:
                continue
            queries = figures.queries.get(mode, {}).get(page.path)
            lines.append(
                f"{page.name if mode == MODES[0] else '':<21} {mode:<9} {row.bytes:>8,} {row.single_ms:>9.1f} "
                f"{row.load.per_second:>8,.0f} {row.load.p50_ms:>7.1f} {row.load.p99_ms:>7.1f} "
                f"{row.load.unexpected:>7} {'-' if queries is None else queries:>4} {ratio_to_static(figures, row):>8}"
            )
    if figures.static:
        size, single, load = figures.static
        lines.append(
            f"{'static copy (nginx)':<21} {'file':<9} {size:>8,} {single:>9.2f} {load.per_second:>8,.0f} "
            f"{load.p50_ms:>7.2f} {load.p99_ms:>7.2f} {load.unexpected:>7} {'-':>4} {'1.000×':>8}"
        )
    for name, c in figures.comments.items():
        lines.append(
            f"{'comment POST':<21} {name:<9} {'':>8} {'':>9} {c.per_second:>8,.0f} {c.p50_ms:>7.1f} "
            f"{c.p99_ms:>7.1f} {c.unexpected:>7} {'':>4} {'':>8}"
        )
    return lines


@dataclass(frozen=True)
class Target:
    what: str
    measured: str
    wanted: str
    met: bool
    gap: str = ""

    def line(self) -> str:
        verdict = "met" if self.met else f"MISSED{f' ({self.gap})' if self.gap else ''}"
        return f"{self.what:<48} {self.measured:>12} {self.wanted:>26}  {verdict}"


def targets(figures: Figures) -> list[Target]:
    found: list[Target] = []
    for page in PAGES:
        row = figures.rows.get(("cold", page.name))
        if row:
            wanted = page.cold_single_ms_target
            found.append(
                Target(
                    f"cold single render, {page.name}",
                    f"{row.single_ms:.1f} ms",
                    f"≤ {wanted:g} ms",
                    row.single_ms <= wanted,
                    f"{row.single_ms / wanted:.1f}× too slow",
                )
            )
    for page in PAGES:
        row = figures.rows.get(("app cache", page.name))
        if row and page.wordpress_per_second:
            wanted = page.wordpress_per_second * APP_CACHE_TIMES_WORDPRESS
            found.append(
                Target(
                    f"app cache req/s, {page.name}",
                    f"{row.load.per_second:,.0f}",
                    f"≥ {wanted:,.0f} (20× WP {page.wordpress_per_second:g})",
                    row.load.per_second >= wanted,
                    f"{row.load.per_second / page.wordpress_per_second:.1f}× WordPress",
                )
            )
    static = figures.static[2].per_second if figures.static else 0
    for page in PAGES:
        row = figures.rows.get(("nginx", page.name))
        if row and static:
            share = row.load.per_second / static
            found.append(
                Target(
                    f"nginx req/s vs static file, {page.name}",
                    f"{share:.2f}×",
                    f"≥ {NGINX_SHARE_OF_STATIC}× ({static * NGINX_SHARE_OF_STATIC:,.0f})",
                    share >= NGINX_SHARE_OF_STATIC,
                    f"{row.load.per_second:,.0f} req/s",
                )
            )
    if "full load" in figures.comments:  # the target is judged at full load, the harder case
        c = figures.comments["full load"]
        found.append(
            Target(
                "comment POST p99, 16 concurrent, Akismet local",
                f"{c.p99_ms:.1f} ms",
                f"< {COMMENT_P99_MS} ms",
                c.p99_ms < COMMENT_P99_MS and not c.unexpected,
                f"{c.unexpected} not accepted" if c.unexpected else f"{c.p99_ms / COMMENT_P99_MS:.1f}× too slow",
            )
        )
    return found


def comment_notes(figures: Figures) -> list[str]:
    """What limits the comment figures: at full load the wait is the queue (Little's law), paced it is the work."""
    notes = []
    if "full load" in figures.comments:
        c = figures.comments["full load"]
        queued = CONNECTIONS / c.per_second * 1000 if c.per_second else 0
        notes.append(
            f"Comment POSTs at full load: {CONNECTIONS} connections each posting again as soon as answered wait "
            f"{queued:.0f} ms on average ({CONNECTIONS} / {c.per_second:,.0f} per second) whatever one POST costs: "
            "the p99 there is bound by throughput on these cores, which the app shares with the task worker and wrk."
        )
    if "paced" in figures.comments:
        c = figures.comments["paced"]
        offered = CONNECTIONS / COMMENT_PAUSE
        notes.append(
            f"Paced ({CONNECTIONS} readers, one POST every {COMMENT_PAUSE:g} s each, {offered:.0f}/s offered): "
            f"p50 {c.p50_ms:.1f} ms, p99 {c.p99_ms:.1f} ms, {c.unexpected} not accepted: "
            f"what a commenter waits when the site is busy but not flooded (not the target's measure)."
        )
    return notes


def render(figures: Figures) -> str:
    lines = ["Figures (one run; wrk -t2 -c16; single = median of 15 sequential GETs on fresh connections)", ""]
    lines += table(figures)
    found = targets(figures)
    missed = [target for target in found if not target.met]
    lines += ["", f"Targets: {len(found) - len(missed)} of {len(found)} met", ""]
    lines += [target.line() for target in found]
    if figures.static:
        lines.append(f"\nWordPress's static figure on its machine was {WORDPRESS_STATIC_PER_SECOND:,} req/s.")
    lines += comment_notes(figures)
    lines += figures.notes
    lines.append(
        "non-2xx counts answers outside 2xx and socket errors (for comment POSTs: anything but 303). "
        "SQL is per request after a warm-up, from the app's own process; nginx hits cost none."
    )
    return "\n".join(lines)
