"""A page with 500 threaded responses renders from one responses query, once per content version:
constant queries whatever the size, measured without the page cache (the cold render)."""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from discussion.models import Response
from discussion.thread import build
from tests.discussion.test_hostile import discussion_section

pytestmark = pytest.mark.django_db


def add_thread(page, count: int, seed: int = 5) -> list[Response]:
    rng = random.Random(seed)
    created: list[Response] = []
    for n in range(count):
        parent = rng.choice(created) if created and rng.random() < 0.7 else None
        created.append(
            Response.objects.create(
                page=page,
                parent=parent,
                status="approved",
                author_name=f"Reader {n}",
                author_email=f"r{n}@example.com",
                content=f"Response number {n} https://example.com/{n}",
                kind="pingback" if n % 25 == 0 else "comment",
            )
        )
    return created


def page_queries(client, page) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        reply = client.get(page.url)
    assert reply.status_code == 200
    return len(captured), reply.content.decode()


def test_500_threaded_responses_render_in_constant_queries(
    client, post, blog_index, django_assert_max_num_queries, settings
):
    from tests.builders import make_post

    settings.PAGE_CACHE = False
    small = make_post(blog_index, "Small")
    add_thread(small, 3)
    baseline, _ = page_queries(client, small)
    add_thread(post, 500)
    with django_assert_max_num_queries(baseline):
        reply = client.get(post.url)
    html = discussion_section(reply.content.decode())
    assert "500 responses to “Hello world”" in html
    assert html.count('class="response response-') == 500
    assert html.count("<li ") == html.count("</li>") == 500
    assert html.count("<ol") == html.count("</ol>")
    add_thread(post, 1, seed=6)  # a new version of the thread: built again, from one query
    with CaptureQueriesContext(connection) as captured:
        assert "501 responses" in client.get(post.url).content.decode()
    # The footer's "recent responses" list is one query of its own, across pages; this page's thread is one.
    thread = f'"discussion_response"."page_id" = {post.pk}'
    response_queries = [q["sql"] for q in captured if 'FROM "discussion_response"' in q["sql"] and thread in q["sql"]]
    assert len(response_queries) == 1
    with CaptureQueriesContext(connection) as captured:
        assert "501 responses" in client.get(post.url).content.decode()
    assert not [q["sql"] for q in captured if 'FROM "discussion_response"' in q["sql"]], "built once per version"


def test_thread_builder_keeps_children_after_parents():
    responses = [
        Response(pk=1, parent_id=None),
        Response(pk=2, parent_id=1),
        Response(pk=3, parent_id=None),
        Response(pk=4, parent_id=2),
        Response(pk=5, parent_id=99),
    ]
    entries = build(responses, depth_limit=2)
    assert [(e.response.pk, e.depth) for e in entries] == [(1, 1), (2, 2), (4, 2), (3, 1), (5, 1)]
    assert [e.has_children for e in entries] == [True, False, False, False, False]
    assert [len(e.closes) for e in entries] == [0, 0, 1, 0, 0]
