"""Moving in from a real WordPress: its own export (`export_wp()`, Tools → Export → All content) of a
site with a 200-comment thread imports into a fresh Backchannel with every comment, parent,
permalink and old anchor, WordPress's feed guids, and without pinging anyone."""

import io
from urllib.parse import urlsplit

import feedparser
import httpx
import pytest
from defusedxml import ElementTree as ET
from django.core.management import call_command
from selectolax.lexbor import LexborHTMLParser
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Revision, Site

from blog.models import BlogIndexPage, BlogPage
from discussion.models import Response
from linkbacks.models import OutgoingLinkback
from tests.builders import wagtail_root
from tests.interop.conftest import responses_on
from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db(transaction=True)

WP = "{http://wordpress.org/export/1.2/}"
THREAD = 200
SEED = f"""
$first = wp_insert_post(['post_title' => 'Where it started', 'post_status' => 'publish', 'post_author' => 1,
    'post_date' => '2019-04-01 09:00:00', 'post_content' => '<p>The first post of the old blog.</p>']);
$tea = wp_insert_term('Tea', 'category');
$thread = wp_insert_post(['post_title' => 'A long conversation', 'post_status' => 'publish', 'post_author' => 1,
    'post_date' => '2019-05-04 10:00:00', 'post_category' => [$tea['term_id']],
    'post_content' => '<p>Following up on <a href="' . get_permalink($first) . '">where it started</a>, over
    <a href="http://elsewhere.invalid/tea/">a cup of tea</a>.</p>']);
$ids = [];
for ($i = 0; $i < {THREAD}; $i++) {{
    $ids[] = wp_insert_comment(['comment_post_ID' => $thread, 'comment_parent' => $i % 8 ? $ids[$i - 1] : 0,
        'comment_author' => "Reader $i", 'comment_author_email' => "reader$i@example.invalid",
        'comment_content' => "Comment number $i.", 'comment_approved' => 1,
        'comment_date' => date('Y-m-d H:i:s', strtotime('2019-05-05 00:00:00') + 60 * $i)]);
}}
foreach (['pingback' => 'Linked from elsewhere', 'trackback' => 'A trackback from afar'] as $type => $author) {{
    wp_insert_comment(['comment_post_ID' => $thread, 'comment_type' => $type, 'comment_approved' => 1,
        'comment_author' => $author, 'comment_author_url' => "http://elsewhere.invalid/$type/",
        'comment_content' => "[...] words around a link, sent as a $type [...]",
        'comment_date' => '2019-06-01 12:00:00']);
}}
$result = ['thread' => $thread, 'first' => $first, 'url' => get_permalink($thread)];
"""
COUNT = "$result = get_comments(['count' => true, 'status' => 'all']);"  # what the peer has received
EXPORT = """
require_once ABSPATH . 'wp-admin/includes/export.php';
wp_set_current_user(1);
ob_start();
export_wp(['content' => 'all']);
$result = ob_get_clean();
"""


@pytest.fixture(scope="module")
def seeded(wordpress):
    """The old blog, seeded once: its thread post, and WordPress's export of the whole site."""
    seeded = wordpress.php(SEED)
    return seeded, wordpress.php(EXPORT)


def import_wordpress(path) -> str:
    out = io.StringIO()
    call_command("import_wordpress", str(path), "--no-media", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def comment_id(response: Response) -> str:
    return response.import_key.rpartition(":")[2]


def stored_rows() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Page, Revision, Response, Redirect, ImportedObject, OutgoingLinkback)
    } | {"last revision": Revision.objects.order_by("-pk").values_list("pk", flat=True).first()}


def test_wordpress_export_imports_into_a_fresh_site_with_every_comment_permalink_and_guid(
    wordpress, seeded, tmp_path, client
):
    (thread, export) = seeded
    channel = ET.fromstring(export.encode()).find("channel")
    posts = [i for i in channel.iter("item") if i.findtext(f"{WP}post_type") == "post"]
    published = [i for i in posts if i.findtext(f"{WP}status") == "publish"]
    thread_item = next(i for i in posts if i.findtext(f"{WP}post_id") == str(thread["thread"]))
    wp_comments = {
        c.findtext(f"{WP}comment_id"): c for item in published for c in item.iter(f"{WP}comment")
        if c.findtext(f"{WP}comment_approved") == "1"
    }  # fmt: skip
    assert len(list(thread_item.iter(f"{WP}comment"))) == THREAD + 2
    received_before = wordpress.php(COUNT)
    wagtail_root()  # what `migrate` leaves: the root page, no blog index yet
    assert not BlogIndexPage.objects.exists()
    path = tmp_path / "export.xml"
    path.write_text(export)

    summary = import_wordpress(path)

    assert "at the site root" in summary
    # every comment, pingback and trackback, with its parent
    responses = {comment_id(r): r for r in Response.objects.exclude(import_key="")}
    assert responses.keys() == wp_comments.keys()
    for wp_id, comment in wp_comments.items():
        parent = comment.findtext(f"{WP}comment_parent")
        got = responses[wp_id].parent
        assert (comment_id(got) if got else "0") == parent, wp_id
    kinds = {r.kind for r in responses.values() if r.page.title == "A long conversation"}
    assert kinds == {Response.Kind.COMMENT, Response.Kind.PINGBACK, Response.Kind.TRACKBACK}
    # every old permalink reaches its post, whose page has every old #comment-N anchor
    for item in published:
        answer = client.get(urlsplit(item.findtext("link")).path, follow=True)
        assert answer.status_code == 200, item.findtext("link")
        html = LexborHTMLParser(answer.content.decode())
        assert html.css_first("h1").text(strip=True) == item.findtext("title")
        anchors = {node.attributes["id"] for node in html.css("[id^=comment-]")}
        wanted = {f"comment-{c.findtext(f'{WP}comment_id')}" for c in item.iter(f"{WP}comment")
                  if c.findtext(f"{WP}comment_approved") == "1"}  # fmt: skip
        assert wanted <= anchors, item.findtext("title")
    # feed readers see the same items: WordPress's own guids, in the export and in its feed
    ours = {e.title: e.id for e in feedparser.parse(client.get("/feed/").content).entries}
    assert ours, "the blog feed has items"
    exported = {i.findtext("title"): i.findtext("guid") for i in published}
    assert ours == {title: exported[title] for title in ours}
    theirs = {e.title: e.id for e in feedparser.parse(httpx.get(f"{wordpress.url}/feed/", timeout=10).content).entries}
    shared = ours.keys() & theirs.keys()
    assert "A long conversation" in shared
    assert {t: ours[t] for t in shared} == {t: theirs[t] for t in shared}
    # nobody pinged: every link recorded as already sent, and the peer received nothing
    assert OutgoingLinkback.objects.exclude(status=OutgoingLinkback.Status.RECORDED).count() == 0
    assert OutgoingLinkback.objects.filter(target_url="http://elsewhere.invalid/tea/").exists()
    assert wordpress.php(COUNT) == received_before
    # a second run writes nothing
    before = stored_rows()
    import_wordpress(path)
    assert stored_rows() == before
    assert BlogPage.objects.filter(title="A long conversation").count() == 1


def test_a_wordpress_trackback_to_an_imported_posts_old_address_linking_to_its_old_permalink_is_shown(
    wordpress, seeded, tmp_path, live_server, settings
):
    """Another blog read the post at its WordPress address; years later it pastes the old trackback
    URL into WordPress's "Send trackbacks to". Both old addresses now lead to the imported post."""
    (thread, export) = seeded
    settings.SITE_URL = live_server.url
    settings.DISCUSSION_HOLD_WITHOUT_AKISMET = False
    wagtail_root()
    path = tmp_path / "export.xml"
    path.write_text(export)
    import_wordpress(path)
    site = Site.objects.get(is_default_site=True)  # the site's address set to where it now answers
    site.hostname, site.port = urlsplit(live_server.url).hostname, urlsplit(live_server.url).port
    site.save()
    post = BlogPage.objects.get(title="A long conversation")
    old_permalink = thread["url"]
    assert urlsplit(old_permalink).netloc == wordpress.host != urlsplit(post.full_url).netloc

    wordpress.publish(
        "Still thinking about it",
        f'<p>Years ago I joined <a href="{old_permalink}">a long conversation</a> over there.</p>',
        to_ping=f"{live_server.url}{urlsplit(old_permalink).path}trackback/",
    )
    wordpress.do_pings()

    titles = {r.css_first(".linkback-title").text(strip=True): r for r in responses_on(post.full_url, "trackback")}
    assert titles.keys() == {"A trackback from afar", "Still thinking about it"}  # the imported one, and the new
    shown = titles["Still thinking about it"]
    assert "Years ago I joined a long conversation over there." in shown.css_first(".linkback-excerpt").text()
