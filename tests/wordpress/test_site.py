"""The imported site as a reader meets it: pages render with their responses, and old WordPress links still work."""

import xmlrpc.client
from urllib.parse import unquote, urlencode

import feedparser
import pytest
from wagtail.embeds.finders import get_finders
from wagtail.models import Page

from discussion.models import Response
from tests.linkbacks.conftest import DjangoTransport, linking_page
from tests.web import Web
from wordpress.models import ImportedObject
from wordpress.redirects import path_of

pytestmark = pytest.mark.django_db
SITE = "https://wpthemetestdata.wordpress.com"


@pytest.fixture
def offline_embeds(settings):
    settings.WAGTAILEMBEDS_FINDERS = [{"class": "tests.wordpress.embeds.OfflineFinder"}]
    get_finders.cache_clear()
    yield
    get_finders.cache_clear()


def imported_page(kind, wp_id):
    return ImportedObject.objects.get(kind=kind, wp_id=wp_id).target.specific


def published_entries(export):
    return [i for i in export.items if i.post_type in ("post", "page") and i.status == "publish"]


def test_every_published_post_and_page_renders_with_its_response_count(theme_site, client, export, offline_embeds):
    for item in published_entries(export):
        page = imported_page(item.post_type, item.post_id)
        response = client.get(page.url)
        assert response.status_code == 200, (item.title, response.status_code)
        html = response.content.decode()
        if item.password:
            assert 'name="password"' in html  # the same password as on WordPress guards it
            continue
        approved = sum(1 for c in item.comments if c.approved == "1")
        expected = {0: "No responses yet to", 1: "One response to"}.get(approved, f"{approved} responses to")
        assert f"{expected} “" in html, (item.title, approved)


def test_password_protected_post_opens_with_the_wordpress_password(theme_site, client):
    page = imported_page("post", "1168")
    form = client.get(page.url).content.decode()
    action = form.split('action="')[1].split('"')[0]
    opened = client.post(action, {"password": "enter", "return_url": page.url}, follow=True)
    assert "This comment should not be visible until the password is entered." in opened.content.decode()


def test_embeds_render_from_the_finder(theme_site, client, offline_embeds):
    html = client.get(imported_page("post", "1161").url).content.decode()
    assert 'class="offline-embed" href="https://www.youtube.com/watch?v=SQEQr7c0-dw"' in html


def test_every_old_permalink_redirects_permanently_to_the_new_page(theme_site, client, export):
    checked = 0
    for item in published_entries(export) + [i for i in export.items if i.status == "future"]:
        page = imported_page(item.post_type, item.post_id)
        for old in {path_of(item.link), f"/?p={item.post_id}"}:
            response = client.get(old)
            if unquote(old) == unquote(page.url):  # pages keep their WordPress address
                assert response.status_code == 200
                continue
            assert response.status_code == 301, (item.title, old, response.status_code)
            assert response["Location"] == page.url, (item.title, old)
            checked += 1
    assert checked >= 2 * 49 + 21


def test_page_id_links_and_pages_under_their_wordpress_parents(theme_site, client):
    level3 = imported_page("page", "172")
    assert level3.url == "/level-1/level-2/level-3/"  # same address as on WordPress
    assert client.get("/?page_id=172")["Location"] == level3.url
    greek = imported_page("page", "1813")
    assert unquote(greek.url) == "/greek/επίπεδο-2/επίπεδο-3/"
    assert client.get(greek.url).status_code == 200


def test_attachment_pages_redirect_to_the_post_that_shows_them(theme_site, client):
    gallery = imported_page("post", "555")
    assert client.get("/2010/09/10/post-format-gallery/canola2/")["Location"] == gallery.url
    assert client.get("/?attachment_id=611")["Location"] == gallery.url


def test_per_post_feed_redirects_to_the_posts_response_feed(theme_site, client):
    post = imported_page("post", "1148")
    response = client.get("/2012/01/03/template-comments/feed/")
    assert response.status_code == 301
    assert response["Location"] == f"/discussion/{post.pk}/feed/"
    feed = client.get(response["Location"])
    assert feed.status_code == 200
    assert "Comment Depth 10" in feed.content.decode()


def test_query_links_with_extra_parameters_still_redirect(theme_site, client):
    post = imported_page("post", "1148")
    assert client.get("/?p=1148&utm_source=x")["Location"] == post.url
    assert client.get("/?p=999999").status_code == 200  # unknown ids fall through to the front page


def test_drafts_are_not_reachable_through_old_links(theme_site, client):
    assert client.get("/?p=1164").status_code == 200  # the front page, not the draft
    assert not Page.objects.get(pk=imported_page("post", "1164").pk).live


def test_front_page_and_archives_list_imported_posts(theme_site, client):
    front = client.get("/").content.decode()
    assert "Template: Sticky" in front or "Block: Image" in front
    archive = client.get("/category/parent-category/")
    assert archive.status_code == 200 and "Edge Case: Many Categories" in archive.content.decode()
    assert client.get("/tag/template/").status_code == 200


def test_nested_category_addresses_and_the_comments_feed_redirect(theme_site, client):
    assert client.get("/category/parent-category/child-category-03/grandchild-category/")["Location"] == (
        "/category/grandchild-category/"
    )
    assert client.get("/category/grandchild-category/").status_code == 200
    feed = client.get("/comments/feed/")
    assert feed.status_code == 301 and client.get(feed["Location"]).status_code == 200


def test_editors_can_open_imported_posts_and_pages_in_the_admin(theme_site, client, django_user_model):
    admin = django_user_model.objects.create_superuser("editor", "editor@example.com", "pw")
    client.force_login(admin)
    for mapping in ImportedObject.objects.filter(kind__in=["post", "page"]):
        response = client.get(f"/admin/pages/{mapping.object_id}/edit/")
        assert response.status_code == 200, (mapping.kind, mapping.wp_id, response.status_code)


def test_threaded_comments_read_in_order_on_the_page(theme_site, client):
    html = client.get(imported_page("post", "1148").url).content.decode()
    positions = [html.index(f"Comment Depth {n:02d}") for n in range(1, 11)]
    assert positions == sorted(positions)
    assert html.index("Jane Doe") < html.index("Comment Depth 01") < html.index("Thanks for all the comments")
    assert "this is test comment" not in html  # pending: not shown to readers


def test_feeds_keep_the_wordpress_guid_of_every_imported_post(theme_site, client, export):
    """Subscribers' readers know the posts by their WordPress guid: the import shows them nothing again."""

    guids = {
        imported_page("post", i.post_id).full_url: i.guid for i in published_entries(export) if i.post_type == "post"
    }
    checked = 0
    for address in ("/feed/", "/feed/atom/", "/category/uncategorized/feed/", "/tag/wordpress/feed/"):
        feed = feedparser.parse(client.get(address).content)
        for entry in feed.entries:
            assert entry.id == guids[entry.link], (address, entry.link)
            checked += 1
    assert checked >= 20


def test_old_comment_links_find_their_response(theme_site, client, export):
    """``…/#comment-881`` from an old link lands on the response, beside its own ``#response-N``."""
    item = next(i for i in export.items if i.post_id == "1148")
    page = imported_page("post", "1148")
    html = client.get(page.url).content.decode()
    approved = [c for c in item.comments if c.approved == "1"]
    assert len(approved) >= 10
    for comment in approved:
        response = Response.objects.get(import_key=f"wordpress:{SITE}:{comment.comment_id}")
        assert f'<li id="response-{response.pk}"' in html
        assert (
            f'<span id="comment-{comment.comment_id}"></span>'
            in html.split(f'<li id="response-{response.pk}"')[1][:200]
        )


def test_comment_pages_redirect_permanently_to_the_post(theme_site, client, export):
    item = next(i for i in export.items if i.post_id == "1148")
    page = imported_page("post", "1148")
    for address in (
        f"{path_of(item.link)}comment-page-1/",
        f"{path_of(item.link)}comment-page-3/",
        f"{page.url}comment-page-2/",
    ):
        response = client.get(address)
        assert (response.status_code, response["Location"]) == (301, page.url), address
    assert client.get("/no-such-post/comment-page-1/").status_code == 404


def test_a_trackback_to_the_old_permalink_reaches_the_post(theme_site, client, export, settings):
    settings.SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    item = next(i for i in export.items if i.post_id == "1148")
    page = imported_page("post", "1148")
    page.accept_linkbacks = True
    page.save()
    with Web() as web:
        source = web.page("/alice/post", linking_page(page.full_url))
        answer = client.post(
            f"{path_of(item.link)}trackback/",
            urlencode({"url": source, "title": "On comments", "blog_name": "Alice"}),
            content_type="application/x-www-form-urlencoded",
        )
    assert answer.status_code == 200
    assert b"<error>0</error>" in answer.content
    stored = Response.objects.get(page=page, kind="trackback", source_url=source)
    assert (stored.author_name, stored.source_title) == ("Alice", "On comments")


def open_for_linkbacks(wp_id: str):
    page = imported_page("post", wp_id)
    page.accept_linkbacks = True
    page.save()
    return page


def test_a_trackback_to_the_old_address_whose_source_links_only_to_the_old_permalink_is_accepted(
    theme_site, client, export, settings
):
    """Written years ago, the source links to the post's WordPress permalink, which now redirects to it."""
    settings.SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    item = next(i for i in export.items if i.post_id == "1148")
    page = open_for_linkbacks("1148")
    assert item.link.startswith(SITE) and path_of(item.link) != page.url
    with Web() as web:
        source = web.page("/alice/old-post", linking_page(item.link, text="that old post"))
        answer = client.post(
            f"{path_of(item.link)}trackback/",
            urlencode({"url": source, "title": "On comments", "blog_name": "Alice"}),
            content_type="application/x-www-form-urlencoded",
        )
    assert b"<error>0</error>" in answer.content, answer.content
    stored = Response.objects.get(page=page, kind="trackback", source_url=source)
    assert stored.author_name == "Alice"


def test_a_pingback_whose_source_links_to_an_old_path_on_our_site_is_accepted_and_another_post_still_is_not(
    theme_site, client, export, settings
):
    settings.SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    rpc = xmlrpc.client.ServerProxy("http://testserver/xmlrpc/", transport=DjangoTransport(client))
    item = next(i for i in export.items if i.post_id == "1148")
    page = open_for_linkbacks("1148")
    other = next(i for i in published_entries(export) if i.post_type == "post" and i.post_id != "1148")
    with Web() as web:
        moved = web.page("/bob/moved", linking_page("http://testserver" + path_of(item.link), text="that post"))
        elsewhere = web.page("/bob/other", linking_page(other.link, text="another post"))
        assert "registered" in rpc.pingback.ping(moved, page.full_url)
        with pytest.raises(xmlrpc.client.Fault) as refused:
            rpc.pingback.ping(elsewhere, page.full_url)
    assert refused.value.faultCode == 0x11
    assert Response.objects.get(page=page, source_url=moved).content == "[…] I just read that post and liked it. […]"


def test_a_pingback_to_an_old_address_on_our_site_reaches_the_post_it_redirects_to(
    theme_site, client, export, settings
):
    """A blog that knew the post by its WordPress permalink pings that address; it is the post's."""
    settings.SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    rpc = xmlrpc.client.ServerProxy("http://testserver/xmlrpc/", transport=DjangoTransport(client))
    item = next(i for i in export.items if i.post_id == "1148")
    page = open_for_linkbacks("1148")
    old_address = "http://testserver" + path_of(item.link)
    assert client.get(path_of(item.link)).status_code == 301
    with Web() as web:
        source = web.page("/carol/old-link", linking_page(old_address, text="that post"))
        assert "registered" in rpc.pingback.ping(source, old_address)
        with pytest.raises(xmlrpc.client.Fault) as missing:
            rpc.pingback.ping(source, "http://testserver/2001/01/never-written/")
    assert missing.value.faultCode == 0x20
    assert Response.objects.get(source_url=source).page_id == page.pk
