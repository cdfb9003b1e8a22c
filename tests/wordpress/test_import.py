"""Importing the WordPress theme unit test export: everything arrives, in the right shape, once."""

import dataclasses
from datetime import UTC, datetime

import pytest
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Revision

from blog.models import Author, BlogPage, Category
from discussion.models import Response, ResponseEvent
from wordpress.importer import import_wordpress
from wordpress.models import ImportedObject, StandardPage

pytestmark = pytest.mark.django_db
SITE = "https://wpthemetestdata.wordpress.com"


def imported(kind, wp_id):
    return ImportedObject.objects.get(kind=kind, wp_id=wp_id).target


def item(export, post_id):
    return next(i for i in export.items if i.post_id == post_id)


def snapshot():
    """Everything the import writes, counted, to show that a second run changes nothing."""
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "responses": list(Response.objects.order_by("pk").values_list("pk", "status", "parent_id", "updated_at")),
        "events": ResponseEvent.objects.count(),
        "redirects": Redirect.objects.count(),
        "authors": Author.objects.count(),
        "categories": Category.objects.count(),
        "tags": Tag.objects.count(),
        "mappings": list(ImportedObject.objects.order_by("pk").values_list("pk", "imported_at")),
    }


def test_counts_per_kind(theme_site):
    _index, summary = theme_site
    assert summary.count("posts", "created") == 51 and summary.count("posts", "failed") == 0
    assert summary.count("pages", "created") == 21
    assert BlogPage.objects.count() == 51 and StandardPage.objects.count() == 21
    assert summary.count("authors", "created") == 2 and Author.objects.count() == 2
    assert Category.objects.count() == 67
    assert Response.objects.filter(kind="comment").count() == 28
    assert Response.objects.filter(kind="pingback").count() == 2
    assert Response.objects.filter(kind="trackback").count() == 2
    assert Response.objects.filter(status="approved").count() == 29
    assert Response.objects.filter(status="pending").count() == 3
    assert summary.count("other", "skipped") == 70  # menu items
    assert summary.count("attachments", "skipped") == 38  # left remote
    assert "other skipped ×70: post type 'nav_menu_item' is not imported" in summary.table()
    assert "Posts and pages: 1 draft, 69 published, 1 published with a password, 1 scheduled" in summary.table()


def test_threaded_comments_keep_their_depth_and_order(theme_site, export):
    post = imported("post", "1148")
    responses = {r.import_key: r for r in Response.objects.filter(page=post)}
    wp = item(export, "1148")
    assert len(responses) == len(wp.comments) == 20
    for comment in wp.comments:  # every parent link survives
        response = responses[f"wordpress:{SITE}:{comment.comment_id}"]
        parent_key = f"wordpress:{SITE}:{comment.parent_id}" if comment.parent_id != "0" else None
        assert (response.parent.import_key if response.parent else None) == parent_key

    def depth(response):
        return 1 + (depth(response.parent) if response.parent else 0)

    deepest = max(responses.values(), key=depth)
    assert depth(deepest) == 10 and deepest.content == "Comment Depth 10\n\nAlso an author comment."

    def walk(parent):  # reading order: oldest first at every level
        for reply in sorted((r for r in responses.values() if r.parent == parent), key=lambda r: r.created_at):
            yield reply.author_name
            yield from walk(reply)

    assert list(walk(None))[:8] == [
        "John Γιάννης Doe Κάποιος",
        "Anonymous User",
        "Jane Doe",
        "John Γιανης Doe Κάποιος",
        "themedemos",
        "John Κώστας Doe Τάδε",
        "Jane Bloggs",
        "Fred Bloggs",
    ]
    assert responses[f"wordpress:{SITE}:1015"].status == "pending"


def test_pingbacks_and_trackbacks_arrive_as_linkbacks_with_excerpts(theme_site):
    post = imported("post", "1149")
    ping = Response.objects.get(import_key=f"wordpress:{SITE}:921")
    assert (ping.page_id, ping.kind, ping.status) == (post.pk, "trackback", "approved")
    assert ping.source_url == "http://tellyworth.wordpress.com/2007/11/21/ping-1/"
    assert ping.source_title == ping.author_name == "Ping 1 « What’s a tellyworth?"
    assert ping.content == "[...] Trackback test. [...]"
    assert ping.created_at == datetime(2007, 11, 21, 1, 31, 12, tzinfo=UTC)
    pingback = Response.objects.get(import_key=f"wordpress:{SITE}:924")
    assert pingback.kind == "pingback" and pingback.content_html == "<p>[...] Just a short one. [...]</p>"


def test_imported_responses_are_not_sent_to_akismet_or_mailed(theme_site, mailoutbox):
    assert set(ResponseEvent.objects.values_list("action", flat=True)) == {"imported"}
    assert not Response.objects.exclude(akismet_result="").exists()
    assert mailoutbox == []


def test_comment_html_is_sanitised_and_fields_validated(theme_site):
    rich = Response.objects.get(import_key=f"wordpress:{SITE}:881")
    assert "<h1>" not in rich.content_html and "Header one" in rich.content_html
    assert "<h1>Header one</h1>" in rich.content  # what the reader wrote is kept as written
    anonymous = Response.objects.get(import_key=f"wordpress:{SITE}:167")
    assert anonymous.author_email == "anon@example.com" and anonymous.ip_address is None


def test_categories_keep_their_tree(theme_site):
    grandchild = Category.objects.get(slug="grandchild-category")
    assert grandchild.parent.slug == "child-category-03"
    assert grandchild.parent.parent.slug == "parent-category"
    assert Category.objects.get(slug="child-2").parent.parent.slug == "parent"
    assert Category.objects.get(slug="parent").parent is None


def test_posts_carry_tags_categories_authors_and_excerpts(theme_site, export):
    many_tags = imported("post", "1151").specific
    assert many_tags.tags.count() == len(item(export, "1151").terms_in("post_tag")) == 45
    assert imported("post", "1152").specific.categories.count() == 63
    excerpt = imported("post", "993").specific
    assert excerpt.intro.startswith("This is a user-defined post excerpt. It should be displayed in place of")
    assert [a.name for a in excerpt.authors.all()] == ["Theme Buster"]
    assert Author.objects.get(slug="themedemos").email == "themeshaperwp+demos@gmail.com"
    # a creator written as ">themereviewteam" in the export is still that author
    assert set(Author.objects.values_list("slug", flat=True)) == {"themedemos", "themereviewteam"}


def test_dates_come_from_gmt(theme_site):
    post = imported("post", "1148").specific
    assert post.date == datetime(2012, 1, 3, 17, 11, 37, tzinfo=UTC)
    assert post.first_published_at == post.date


def test_unicode_titles_and_slugs(theme_site):
    assert imported("page", "1809").title == "Ελληνικά-Greek"
    assert imported("page", "1811").slug == "επίπεδο-2"
    assert imported("post", "1175").title.startswith("Taumatawhakatangihanga")
    assert imported("post", "1173").title == "Markup: Title With Markup"
    assert imported("post", "1174").title == "Markup: Title With Special Characters ~`!@#$%^&*()-_=+{}[]/\\;:'\"?,.>"
    assert imported("post", "1169").title == "(no title)" and imported("post", "1169").slug == "edge-case-no-title"


def test_scheduled_and_draft_posts(theme_site):
    scheduled = imported("post", "1153").specific
    go_live = datetime(2030, 1, 1, 19, 0, 18, tzinfo=UTC)
    assert not scheduled.live and scheduled.go_live_at == go_live
    assert scheduled.latest_revision.approved_go_live_at == go_live
    draft = imported("post", "1164").specific
    assert not draft.live and draft.has_unpublished_changes and draft.latest_revision.approved_go_live_at is None
    assert draft.slug == "draft"
    assert imported("post", "1148").live


def test_pages_sit_under_their_wordpress_parents(theme_site):
    level3 = imported("page", "172")
    assert [p.title for p in level3.get_ancestors()[2:]] == ["Level 1", "Level 2"]
    assert Response.objects.filter(page=imported("page", "155")).count() == 4


def test_rerunning_changes_nothing(theme_site, export):
    before = snapshot()
    summary = import_wordpress(export, into=theme_site[0], fetch_media=False)
    assert summary.changed == 0, summary.table()
    assert summary.count("posts", "unchanged") == 51 and summary.count("comments", "unchanged") == 28
    assert snapshot() == before


def test_rerun_updates_in_place_what_changed_in_wordpress(theme_site, export):
    post = imported("post", "1148")
    changed = dataclasses.replace(item(export, "1148"), title="Template: Comments (edited)")
    changed.comments = [
        dataclasses.replace(c, approved="spam" if c.comment_id == "920" else c.approved) for c in changed.comments
    ]
    items = [changed if i.post_id == "1148" else i for i in export.items]
    summary = import_wordpress(dataclasses.replace(export, items=items), into=theme_site[0], fetch_media=False)
    assert summary.count("posts", "updated") == 1 and summary.count("comments", "updated") == 1
    post = BlogPage.objects.get(pk=post.pk)
    assert post.title == "Template: Comments (edited)"
    assert Response.objects.get(import_key=f"wordpress:{SITE}:920").status == "spam"
    assert BlogPage.objects.count() == 51


def test_an_item_whose_id_changed_is_found_by_its_guid(theme_site, export):
    page = imported("post", "993")
    moved = dataclasses.replace(item(export, "993"), post_id="99993")
    items = [moved if i.post_id == "993" else i for i in export.items]
    summary = import_wordpress(dataclasses.replace(export, items=items), into=theme_site[0], fetch_media=False)
    assert summary.count("posts", "created") == 0 and BlogPage.objects.count() == 51
    assert imported("post", "99993").pk == page.pk
