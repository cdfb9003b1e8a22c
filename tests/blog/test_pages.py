from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog.models import BlogIndexPage, BlogPage
from tests.builders import make_blog_index, make_category, make_post


class BlogPageTypeRules(WagtailPageTestCase):
    def test_posts_live_only_under_the_blog_index(self):
        self.assertAllowedParentPageTypes(BlogPage, {BlogIndexPage})
        self.assertAllowedSubpageTypes(BlogPage, {})

    def test_published_post_is_routable_and_renders(self):
        index = make_blog_index()
        post = make_post(index, "Routable post")
        self.assertPageIsRoutable(post)
        self.assertPageIsRenderable(post)

    def test_post_preview_renders_for_editors(self):
        index = make_blog_index()
        post = make_post(index, "Preview me")
        self.login()
        post_data = nested_form_data(
            {
                "title": "Preview me",
                "slug": "preview-me",
                "date": "2024-05-01 10:00",
                "intro": "",
                "body": streamfield([("paragraph", rich_text("<p>Draft words.</p>"))]),
                "tags": "",
                "canonical_url": "",
                "og_title": "",
                "og_description": "",
                "accept_comments": "on",
                "accept_linkbacks": "on",
            }
        )
        self.assertPageIsPreviewable(post, post_data=post_data)


@pytest.mark.django_db
def test_post_page_shows_title_body_byline_and_tags(client, blog_index, author):
    category = make_category("Healthcare")
    post = make_post(
        blog_index,
        "Mayo Clinic sets a high bar",
        body="<p>Social media in <b>healthcare</b>.</p>",
        authors=[author],
        categories=[category],
        tags=["social media"],
    )
    response = client.get(post.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="p-name">Mayo Clinic sets a high bar</h1>' in html
    assert "Social media in <b>healthcare</b>." in html
    assert 'href="/author/ada-writer/" rel="author">Ada Writer</a>' in html
    assert 'href="/category/healthcare/">Healthcare</a>' in html
    assert 'href="/tag/social-media/">social media</a>' in html
    assert "responses" in html


@pytest.mark.django_db
def test_post_page_has_canonical_opengraph_twitter_and_jsonld(client, post):
    html = client.get(post.url).content.decode()
    assert '<link rel="canonical" href="http://testserver/hello-world/">' in html
    assert '<meta property="og:title" content="Hello world">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta name="twitter:card" content="summary">' in html
    assert '<script type="application/ld+json">' in html
    assert '"@type": "BlogPosting"' in html
    assert '"headline": "Hello world"' in html


@pytest.mark.django_db
def test_jsonld_cannot_break_out_of_its_script_element(client, blog_index):
    post = make_post(blog_index, "Evil </script><script>alert(1)</script>")
    html = client.get(post.url).content.decode()
    ld = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
    assert "\\u003C/script\\u003E" in ld
    assert "<script>alert(1)" not in html


@pytest.mark.django_db
def test_a_draft_is_not_public(client, blog_index):
    draft = make_post(blog_index, "Unfinished thoughts", live=False)
    assert client.get("/unfinished-thoughts/").status_code == 404
    assert "Unfinished thoughts" not in client.get("/").content.decode()
    assert not Page.objects.get(pk=draft.pk).live


@pytest.mark.django_db
def test_scheduled_post_goes_live_only_when_its_time_comes(client, blog_index):
    post = make_post(blog_index, "Tomorrow's news", live=False)
    post.go_live_at = timezone.now() + timedelta(days=1)
    revision = post.save_revision()
    revision.publish()
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None, "publishing with a future date schedules it"
    assert client.get("/tomorrows-news/").status_code == 404
    # The go-live time arrives.
    past = timezone.now() - timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save()
    from django.core.management import call_command

    call_command("publish_scheduled")
    assert client.get("/tomorrows-news/").status_code == 200


@pytest.mark.django_db
def test_revisions_are_kept_and_the_latest_publication_is_served(client, post):
    post.title = "Hello again"
    post.save_revision().publish()
    assert post.revisions.count() == 2
    assert "Hello again" in client.get(post.url).content.decode()
