"""Scenarios against the production topology: what a reader, an author and a moderator see when
the site runs as two app processes behind nginx, with a worker, PostgreSQL and Redis."""

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from tests.fakes import SPAM_WORD, Faults
from tests.stack import Reader, response_id, wait_for
from tests.web import Route

POST = "/why-comments-still-matter/"


def statuses(stack, ids: list[int]) -> dict[int, str]:
    rows = stack.sql("SELECT id, status FROM discussion_response WHERE id = ANY(%s)", ids)
    return dict(rows)


def test_comments_from_many_readers_are_stored_and_judged_by_akismet(topology, outside):
    akismet, _, _ = outside
    texts = [f"Reader {n} says hello." + (f" Try {SPAM_WORD} now!" if n % 8 == 0 else "") for n in range(24)]

    def send(n: int) -> int:
        return Reader(topology, f"Many{n}").comment(POST, texts[n]).status_code

    with ThreadPoolExecutor(8) as pool:
        sent = list(pool.map(send, range(len(texts))))

    def stored() -> dict[str, str]:
        return dict(topology.sql("SELECT content, status FROM discussion_response WHERE author_name LIKE 'Many%%'"))

    assert sent == [303] * len(texts)
    assert set(stored()) == set(texts)
    wait_for(lambda: set(stored().values()) <= {"approved", "spam"}, 30, "a verdict for every comment")
    verdicts = stored()
    assert [verdicts[text] for text in texts] == ["spam" if SPAM_WORD in text else "approved" for text in texts]
    assert {check["comment_content"] for check in akismet.checks} >= set(texts)
    # Approved comments reach everyone within nginx's micro-cache lifetime (whole seconds, then one
    # stale answer while it refreshes; see tests/deploy/test_nginx.py), so look again within a bound.
    wait_for(lambda: texts[1] in Reader(topology, "Onlooker").get(POST).text, 5, "approved comments shown to all")
    assert texts[0] not in Reader(topology, "Onlooker").get(POST).text


def test_a_post_published_in_one_process_pings_the_linked_site_via_the_worker(topology, outside):
    _, _, web = outside
    web.raw("/their/webmention", Route(202, b"Accepted", [("Content-Type", "text/plain")]))
    target = web.page("/their/post", "<p>Their post.</p>", headers=[("Link", "</their/webmention>; rel=webmention")])

    url = (
        topology.python(f"""
from blog.models import BlogIndexPage, BlogPage
body = [("paragraph", '<p>See <a href="{target}">this</a>.</p>')]
post = BlogPage(title="Linking out", slug="linking-out", intro="", body=body)
BlogIndexPage.objects.first().add_child(instance=post)
post.save_revision().publish()
print(post.full_url)
""")
        .strip()
        .splitlines()[-1]
    )

    wait_for(lambda: web.hits_for("/their/webmention", "POST"), 30, "the webmention reaching the linked site")
    sent = web.hits_for("/their/webmention", "POST")[0].body.decode()
    assert "source=" in sent and "linking-out" in sent and "their%2Fpost" in sent
    assert Reader(topology).get(urlsplit(url).path).status_code == 200
    ran = "SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path = 'linkbacks.tasks.send_linkback'"
    assert {status for (status,) in topology.sql(ran)} == {"SUCCESSFUL"}


def test_a_moderation_in_one_app_process_shows_in_the_other_at_once(topology, apps):
    first, second = apps
    on_second = Reader(topology, "SecondReader", via=second)
    on_second.get(POST)
    on_second.get(POST)  # warm the second process's (shared) page cache
    held_text = "Two links hold me for a moderator"  # the links themselves are shown as links
    sent = Reader(topology, "Linker", via=first).comment(POST, f"{held_text}: http://a.example/ http://b.example/")
    rid = response_id(sent)
    judged = "SELECT akismet_result FROM discussion_response WHERE id = %s"
    wait_for(lambda: topology.sql(judged, rid)[0][0] == "ham", 30, "Akismet's verdict")
    assert statuses(topology, [rid]) == {rid: "pending"}
    assert held_text not in on_second.get(POST).text

    approved = Reader(topology, "Moderator", via=first).confirm(topology.moderation_link(rid))

    assert approved.status_code == 200
    assert held_text in on_second.get(POST).text  # the very next request, in the other process
    wait_for(lambda: held_text in Reader(topology, "Anyone").get(POST).text, 2.5, "nginx showing it")  # its second


def test_flood_control_holds_across_app_processes(topology, apps):
    first, second = apps
    address = "127.0.9.9"
    other_post = "/owning-your-feed/"  # its own form token: a cached page's token is single-use per address
    one = Reader(topology, "FloodOne", ip=address, via=first).comment(POST, "First, from one address.")
    two = Reader(topology, "FloodTwo", ip=address, via=second).comment(other_post, "Second, at once, elsewhere.")

    assert one.status_code == 303
    assert two.status_code == 429


def test_linkback_limits_hold_across_app_processes(topology, apps, outside):
    """LINKBACK_RATE_PER_SOURCE_HOST (10 a minute) counted once for the site, whichever process answers."""
    _, _, web = outside
    source = web.page("/mentions/source", f'<p>About <a href="{topology.url}{POST}">this post</a>.</p>')
    answers = []
    for n in range(14):
        reader = Reader(topology, f"Mention{n}", via=apps[n % 2])  # each from its own address
        mention = {"source": f"{source}?n={n}", "target": topology.url + POST}
        answers.append(reader.http.post("/webmention/", data=mention).status_code)

    assert answers[:10] == [202] * 10
    assert answers[10:] == [429] * 4


def test_after_an_akismet_outage_every_waiting_comment_is_judged_with_no_new_traffic(topology, outside):
    akismet, _, _ = outside
    akismet.faults = Faults(fail=1.0)
    try:
        texts = [f"Said while Akismet was down, {n}." for n in range(6)]
        ids = [response_id(Reader(topology, f"Outage{n}").comment(POST, text)) for n, text in enumerate(texts)]
        unjudged = "SELECT count(*) FROM discussion_response WHERE id = ANY(%s) AND akismet_result IN ('', 'error')"
        assert topology.sql(unjudged, ids)[0][0] == len(ids)
        assert set(statuses(topology, ids).values()) == {"pending"}
        assert texts[0] not in Reader(topology, "Onlooker").get(POST).text
    finally:
        akismet.heal()
    # Nobody comments now: the worker's probe finds Akismet back and judges them all.
    wait_for(lambda: set(statuses(topology, ids).values()) == {"approved"}, 60, "every waiting comment judged")
    wait_for(lambda: texts[-1] in Reader(topology, "Onlooker").get(POST).text, 5, "shown to everyone")
