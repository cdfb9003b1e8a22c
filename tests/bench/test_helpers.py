"""`make bench`'s helpers work (cheap runs here; the bench prints the real figures, nothing asserts them)."""

import os
import shutil

import pytest

from bench import load, local_akismet, report
from bench.forms import parse_comment_form
from discussion import akismet


def need_wrk() -> None:
    if not shutil.which("wrk"):
        reason = "wrk not installed: make test installs Debian's wrk as root"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)


def test_parse_reads_the_line_the_lua_script_prints():
    out = 'Running 5s test\nWRK {"requests": 500, "duration_us": 5000000, "p50_us": 1500, "p99_us": 9000, '
    out += '"unexpected": 3, "socket_errors": 2}\n'
    figures = load.parse(out)
    assert (figures.per_second, figures.p50_ms, figures.p99_ms, figures.unexpected) == (100, 1.5, 9, 5)
    with pytest.raises(RuntimeError, match="no figures"):
        load.parse("Running 5s test\n")


def test_wrk_counts_answers_outside_2xx_and_posts_distinct_comments():
    need_wrk()
    with local_akismet.serve() as base:
        ok = load.load_get(base + "/1.1/comment-check", seconds=1)
        missing = load.load_get(base + "/nowhere", seconds=1)
        posted = load.load_comments(base + "/1.1/comment-check", "token=t", {"Origin": base}, seconds=1)
    assert ok.requests > 0 and ok.unexpected == 0
    assert missing.requests > 0 and missing.unexpected == missing.requests
    assert posted.requests > 0 and posted.unexpected == posted.requests, "a 200 is not the 303 of an accepted comment"


@pytest.mark.django_db
def test_the_comment_form_is_read_from_a_real_post_page(client, post):
    action, inputs = parse_comment_form(client.get(post.url, secure=True).content.decode())
    assert action.startswith(f"/discussion/{post.pk}/comment/") and inputs["token"]
    assert inputs["homepage"] == "", "the honeypot goes back empty"


@pytest.mark.django_db  # the Akismet key may also come from Settings → Discussion
def test_akismet_is_answered_by_the_local_server_through_the_real_client(settings):
    settings.AKISMET_API_KEY = "bench"
    with local_akismet.serve() as base:
        settings.AKISMET_API_URL = base
        verdict, note = akismet.check({"user_ip": "127.0.0.1", "comment_content": "Hello"})
    assert verdict == akismet.Verdict.HAM, note


def test_targets_say_which_figure_misses_and_by_how_much():
    figures = report.Figures()
    fast, slow = load.Load(10_000, 1.0, 1.0, 2.0, 0), load.Load(100, 1.0, 40.0, 90.0, 0)
    figures.add("cold", "home page", bytes=6000, single_ms=12.0, load=slow)
    figures.add("app cache", "home page", bytes=6000, single_ms=1.0, load=fast)
    figures.static = (200_000, 0.3, load.Load(30_000, 1.0, 0.5, 1.0, 0))
    figures.add("nginx", "home page", bytes=6000, single_ms=0.5, load=load.Load(20_000, 1.0, 0.6, 1.2, 0))
    lines = {target.what: target for target in report.targets(figures)}
    assert (
        not lines["cold single render, home page"].met
        and "2.0× too slow" in lines["cold single render, home page"].line()
    )
    assert lines["app cache req/s, home page"].met, "10,000 ≥ 20 × 90"
    assert lines["nginx req/s vs static file, home page"].met and "0.67×" in report.render(figures)


def test_paced_comments_wait_between_posts_and_both_runs_are_reported():
    need_wrk()
    with local_akismet.serve() as base:
        flood = load.load_comments(base + "/1.1/comment-check", "token=t", {"Origin": base}, seconds=1)
        paced = load.load_comments(base + "/1.1/comment-check", "token=t", {"Origin": base}, seconds=2, pause=0.5)
    assert paced.requests <= load.CONNECTIONS * (2 / 0.5 + 1), "each connection waits half a second between POSTs"
    assert flood.requests > 2 * paced.requests
    figures = report.Figures(comments={"full load": flood, "paced": paced})
    rendered = report.render(figures)
    assert "comment POST p99, 16 concurrent" in rendered and "Paced (16 readers, one POST every 0.5 s" in rendered
