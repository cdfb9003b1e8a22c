"""Importing a blog tells nobody: the theme unit test export with every task really run sends no ping and no email.

These tests commit (``transaction=True``) so ``on_commit`` callbacks fire and the immediate task
backend runs what they enqueue, as a worker would. Every external link in the export is pointed at
a local web that advertises webmention and pingback endpoints and records every request.
"""

import dataclasses
import re

import pytest
from django.core import mail

from blog.models import BlogPage
from discussion.models import Response
from linkbacks.models import OutgoingLinkback
from tests.builders import make_blog_index
from tests.web import Web
from wordpress.importer import import_wordpress
from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db(transaction=True)
OWN_SITE = re.compile(r"https?://(?:www\.)?wpthemetestdata\.wordpress\.com", re.IGNORECASE)
EXTERNAL = re.compile(r"""href=(["'])(https?://[^"']+)\1""", re.IGNORECASE)


def target_page(web: Web, path: str) -> str:
    """A page that would take a webmention or a pingback, had anyone sent one."""
    html = f'<html><head><link rel="webmention" href="/webmention"></head><body><p>{path}</p></body></html>'
    return web.page(path, html, headers=[("X-Pingback", web.url("/xmlrpc"))])


def pointed_at(export, web: Web):
    """The export with each external link in a post or page leading to its own page on ``web``."""
    targets: dict[str, str] = {}

    def local(match):
        url = match[2]
        if OWN_SITE.match(url):
            return match[0]
        if url not in targets:
            targets[url] = target_page(web, f"/linked/{len(targets)}")
        return f"href={match[1]}{targets[url]}{match[1]}"

    items = [
        dataclasses.replace(item, content=EXTERNAL.sub(local, item.content))
        if item.post_type in ("post", "page")
        else item
        for item in export.items
    ]
    return dataclasses.replace(export, items=items), targets


@pytest.fixture
def web(settings):
    with Web() as server:
        server.page("/webmention", "", status=202)
        server.page("/xmlrpc", "<methodResponse><params><param><value>ok</value></param></params></methodResponse>")
        server.page("/hub", "", status=204)
        settings.SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
        settings.PODCAST_WEBSUB_HUBS = [server.url("/hub")]
        yield server


def test_the_theme_unit_test_import_sends_nothing_and_mails_nobody(export, web):
    quiet_export, targets = pointed_at(export, web)
    assert len(targets) >= 20  # the export links out a lot: each of these would be pinged
    make_blog_index()
    summary = import_wordpress(quiet_export, fetch_media=False)
    assert summary.count("posts", "created") > 20
    assert web.hits == []  # no discovery, no webmention, no pingback, no WebSub ping
    assert mail.outbox == []
    # nothing was registered locally either (links between imported posts are old news)
    assert not Response.objects.filter(import_key="").exists()
    # every link is on record as told, so a later edit tells only the new ones
    rows = OutgoingLinkback.objects.all()
    assert rows.count() >= 20 and set(rows.values_list("status", flat=True)) == {OutgoingLinkback.Status.RECORDED}
    assert {url for url in targets.values()} >= set(
        rows.filter(target_url__contains="/linked/").values_list("target_url", flat=True)
    )


def test_a_later_edit_of_an_imported_post_pings_only_the_link_that_is_new(export, web):
    quiet_export, targets = pointed_at(export, web)
    make_blog_index()
    import_wordpress(quiet_export, fetch_media=False)
    linked = set(targets.values())
    post = next(
        page
        for page in (m.target.specific for m in ImportedObject.objects.filter(kind="post"))
        if page.live and any(url in str(page.body) for url in linked)
    )
    new = target_page(web, "/linked/new")
    post = BlogPage.objects.get(pk=post.pk)
    post.body.append(("paragraph", f'<p>And now <a href="{new}">something new</a>.</p>'))
    post.save_revision().publish()
    assert {hit.path for hit in web.hits} >= {"/linked/new", "/webmention"}
    assert not [hit for hit in web.hits if hit.path.startswith("/linked/") and hit.path != "/linked/new"]
    assert mail.outbox == []
