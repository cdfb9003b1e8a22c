"""Import options and failure handling, on small slices of the theme unit test export."""

import dataclasses
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group
from taggit.models import Tag
from wagtail.models import PageViewRestriction

from blog.models import Author, Category
from discussion.models import Response
from tests.builders import make_author
from tests.wordpress.test_import import SITE, imported, item, snapshot
from wordpress import content
from wordpress.importer import import_wordpress
from wordpress.models import ImportedObject
from wordpress.values import short_key
from wordpress.wxr import WPCategory, WPTag

pytestmark = pytest.mark.django_db


def test_author_map_points_logins_at_existing_authors(blog_index, export):
    ada = make_author("Ada Writer")
    small = dataclasses.replace(export, items=[item(export, "993"), item(export, "1241")])
    summary = import_wordpress(small, into=blog_index, fetch_media=False, authors={"themedemos": "ada-writer"})
    post = imported("post", "993").specific
    assert list(post.authors.all()) == [ada]
    assert not Author.objects.filter(slug="themedemos").exists()
    assert summary.count("posts", "created") == 2


def test_dry_run_reports_and_writes_nothing(blog_index, export):
    before = snapshot()
    summary = import_wordpress(export, into=blog_index, fetch_media=False, dry_run=True)
    assert summary.count("posts", "created") == 51 and summary.count("comments", "created") == 28
    assert summary.table().startswith("Would import")
    assert snapshot() == before


def test_a_failing_post_is_named_and_the_rest_are_kept(blog_index, export, monkeypatch):
    real = content.convert

    def explode(body, media=None, post_id="", reusable=None):
        if post_id == "1149":
            raise ValueError("cannot read this body")
        return real(body, media, post_id, reusable)

    monkeypatch.setattr(content, "convert", explode)
    small = dataclasses.replace(export, items=[item(export, pid) for pid in ("1148", "1149", "993")])
    summary = import_wordpress(small, into=blog_index, fetch_media=False)
    assert summary.count("posts", "created") == 2 and summary.count("posts", "failed") == 1
    assert "posts failed: post 1149 “Template: Pingbacks And Trackbacks”: ValueError: cannot read this body" in (
        summary.table()
    )
    assert "pingbacks skipped ×2: their post failed to import" in summary.table()
    assert summary.count("trackbacks", "skipped") == 2 and summary.count("comments", "skipped") == 1
    assert not ImportedObject.objects.filter(kind="post", wp_id="1149").exists()
    assert not Response.objects.filter(import_key=f"wordpress:{SITE}:921").exists()  # its responses went with it
    assert Response.objects.filter(import_key__startswith=f"wordpress:{SITE}:").count() == 20


def test_private_posts_are_for_editors_and_moderators(blog_index, export):
    private = dataclasses.replace(item(export, "993"), status="private")
    import_wordpress(dataclasses.replace(export, items=[private]), into=blog_index, fetch_media=False)
    post = imported("post", "993")
    restriction = PageViewRestriction.objects.get(page=post)
    assert post.live and restriction.restriction_type == PageViewRestriction.GROUPS
    assert set(restriction.groups.all()) == set(Group.objects.filter(name__in=["Moderators", "Editors"]))


def test_a_draft_without_a_gmt_date_uses_the_blogs_own_offset(blog_index, export):
    draft = dataclasses.replace(
        item(export, "1164"), post_date="2013-04-09 11:20:39", post_date_gmt="0000-00-00 00:00:00"
    )
    import_wordpress(
        dataclasses.replace(export, items=[item(export, "1148"), draft]), into=blog_index, fetch_media=False
    )
    # the other posts say the blog was at UTC-7
    assert imported("post", "1164").specific.date == datetime(2013, 4, 9, 18, 20, 39, tzinfo=UTC)


def test_wxr_1_0_category_parents_given_by_name(blog_index, export):
    parent = WPCategory(term_id="", slug="animals", name="Animals")
    child = WPCategory(term_id="", slug="cats", name="Cats", parent_slug="Animals")
    summary = import_wordpress(dataclasses.replace(export, categories=[child, parent], items=[]), into=blog_index)
    assert Category.objects.get(slug="cats").parent.slug == "animals"
    assert summary.count("categories", "created") == 2


def test_links_to_the_old_blog_become_paths_the_redirects_answer(blog_index, export, client):
    body = (
        'See <a href="https://wpthemetestdata.wordpress.com/2012/01/03/template-comments/">the comments</a> '
        'and <a href="https://example.com/elsewhere/">elsewhere</a>.'
    )
    linking = dataclasses.replace(item(export, "993"), content=body)
    import_wordpress(
        dataclasses.replace(export, items=[item(export, "1148"), linking]), into=blog_index, fetch_media=False
    )
    html = client.get(imported("post", "993").url).content.decode()
    assert 'href="/2012/01/03/template-comments/"' in html and 'href="https://example.com/elsewhere/"' in html
    assert client.get("/2012/01/03/template-comments/")["Location"] == imported("post", "1148").url


def test_overlong_keys_stay_unique_and_fit_their_columns():
    long_a, long_b = "slug:" + "a" * 300, "slug:" + "a" * 299 + "b"
    assert len(short_key(long_a, 200)) == 200 and short_key(long_a, 200) != short_key(long_b, 200)
    assert short_key("slug:short", 200) == "slug:short"


def test_every_old_slug_redirects(blog_index, export, client):
    renamed = dataclasses.replace(item(export, "993"), old_slugs=["first-name", "second-name"])
    import_wordpress(dataclasses.replace(export, items=[renamed]), into=blog_index, fetch_media=False)
    page = imported("post", "993")
    assert client.get("/2012/03/15/first-name/")["Location"] == page.url
    assert client.get("/2012/03/15/second-name/")["Location"] == page.url


def test_long_term_slugs_fit_their_columns(blog_index, export):
    long_tag = WPTag(term_id="9001", slug="t" * 250, name="A tag with a very long slug")
    long_category = WPCategory(term_id="9002", slug="c" * 250, name="A category with a very long slug")
    import_wordpress(
        dataclasses.replace(export, tags=[long_tag], categories=[long_category], items=[]), into=blog_index
    )
    assert len(Tag.objects.get(name="A tag with a very long slug").slug) <= 100
    assert len(Category.objects.get(name="A category with a very long slug").slug) <= 200


def test_yoast_title_and_description_become_the_pages_seo_fields(blog_index, export):
    with_seo = dataclasses.replace(
        item(export, "993"),
        meta={"_yoast_wpseo_title": "Excerpts, explained", "_yoast_wpseo_metadesc": "How excerpts work &amp; why."},
    )
    templated = dataclasses.replace(item(export, "1148"), meta={"_yoast_wpseo_title": "%%title%% %%sep%% %%sitename%%"})
    import_wordpress(dataclasses.replace(export, items=[with_seo, templated]), into=blog_index, fetch_media=False)
    page = imported("post", "993")
    assert (page.seo_title, page.search_description) == ("Excerpts, explained", "How excerpts work & why.")
    assert imported("post", "1148").seo_title == ""


def test_slugs_that_would_shadow_blog_routes_or_siblings_are_changed(blog_index, export):
    feed = dataclasses.replace(item(export, "993"), post_name="feed")
    year = dataclasses.replace(item(export, "996"), post_name="2012")
    twin = dataclasses.replace(item(export, "1000"), post_name="feed")
    import_wordpress(dataclasses.replace(export, items=[feed, year, twin]), into=blog_index, fetch_media=False)
    assert [imported("post", pid).slug for pid in ("993", "996", "1000")] == ["feed-2", "2012-2", "feed-3"]
