"""What a webmention shows: the words around the link unless the source is a short reply, a clean
title, a deleted WordPress post (404) removed after a second look, and edits judged again."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from discussion.models import DiscussionSettings, Response
from linkbacks import tasks
from linkbacks.models import IncomingWebmention
from linkbacks.webmention import authorship

pytestmark = pytest.mark.django_db
TWENTY_TWENTY_ONE = (Path(__file__).parents[1] / "fixtures" / "linkbacks" / "twenty-twenty-one-post.html").read_text()

NOTE = """<html><head><title>{title}</title>{head}</head><body>{body}
<article class="h-entry"><div class="e-content">{content} <a {link_class} href="{target}">your post</a>!</div>
</article></body></html>"""


def mention(client, source, target):
    return client.post("/webmention/", {"source": source, "target": target})


def wordpress_post(target: str) -> str:
    return TWENTY_TWENTY_ONE.replace("TARGET", target)


def test_mf2py_reads_twenty_twenty_ones_hentry_as_an_h_entry(post):
    who = authorship(wordpress_post(post.full_url), "http://wp.test/hello/", post.full_url)
    assert who.title == "Hello from WordPress"
    assert who.content == "", "not a reply to the target, so its text is not taken whole"


def test_a_wordpress_post_shows_the_words_around_the_link_and_its_clean_title(client, web, post):
    source = web.page("/2026/11/30/hello/", wordpress_post(post.full_url))
    mention(client, source, post.full_url)
    stored = Response.objects.get(page=post)
    assert stored.content == (
        "[…] In the second paragraph I finally mention a very good post on Backchannel which I enjoyed "
        "reading this morning with coffee. […]"
    )
    assert "first paragraph" not in stored.content and "third paragraph" not in stored.content
    assert (stored.source_title, stored.author_name) == ("Hello from WordPress", "Hello from WordPress")


def test_a_short_reply_to_the_target_is_shown_whole(client, web, post):
    reply = NOTE.format(
        title="Notes", head="", body="", content="Loved", link_class='class="u-in-reply-to"', target=post.full_url
    )
    mention(client, web.page("/reply", reply), post.full_url)
    assert Response.objects.get().content == "Loved your post!"


def test_a_short_h_entry_that_only_mentions_the_target_gets_the_excerpt(client, web, post):
    note = NOTE.format(title="Notes", head="", body="", content="Loved", link_class="", target=post.full_url)
    mention(client, web.page("/note", note), post.full_url)
    assert Response.objects.get().content == "[…] Loved your post! […]"


def test_a_reply_to_another_page_is_not_taken_whole(client, web, post):
    html = NOTE.format(title="Notes", head="", body="", content="Loved", link_class="", target=post.full_url)
    html = html.replace(
        '<article class="h-entry">',
        '<article class="h-entry"><a class="u-in-reply-to" href="https://other.test/">x</a>',
    )
    mention(client, web.page("/other", html), post.full_url)
    assert Response.objects.get().content == "[…] Loved your post! […]"


@pytest.mark.parametrize(
    ("title", "head", "body", "expected"),
    [
        ("Post – Blog", '<meta property="og:title" content="The OG title">', "", "The OG title"),
        ("Post – Blog", "", "<h1>The first heading</h1>", "The first heading"),
        ("Post – Blog", '<meta property="og:site_name" content="Blog">', "", "Post"),
        ("Post | Blog", '<meta property="og:site_name" content="Blog">', "", "Post"),
        ("Post - Blog", '<meta property="og:site_name" content="blog">', "", "Post"),
        ("Post – Blog", "", '<p class="site-title"><a href="/">Blog</a></p>', "Post"),
        ("Post – Blog", "", '<div class="h-card"><span class="p-name">Blog</span></div>', "Post"),
        ("Post – Blog", "", "<h1>Blog</h1>", "Post"),
        ("Post – Not the site", '<meta property="og:site_name" content="Blog">', "", "Post – Not the site"),
        ("Pros – cons", "", "", "Pros – cons"),
    ],
)
def test_the_title_is_og_title_then_h1_then_title_without_the_site_name(client, web, post, title, head, body, expected):
    html = NOTE.format(title=title, head=head, body=body, content="Loved", link_class="", target=post.full_url)
    mention(client, web.page("/titled", html), post.full_url)
    assert Response.objects.get().source_title == expected


def test_a_source_that_answers_404_is_removed_only_after_a_second_look(client, web, post):
    source = web.page("/2026/11/30/hello/", wordpress_post(post.full_url))
    mention(client, source, post.full_url)
    web.page("/2026/11/30/hello/", "<html><p>Nothing here.</p></html>", status=404)
    mention(client, source, post.full_url)
    waiting = IncomingWebmention.objects.latest("created_at")
    assert waiting.status == IncomingWebmention.Status.QUEUED and waiting.next_attempt_at > timezone.now()
    assert "Checking again" in waiting.message
    assert Response.objects.filter(page=post).exists(), "one 404 removes nothing"
    assert tasks.retry_due_linkbacks.call() == 0, "not due yet"
    IncomingWebmention.objects.filter(pk=waiting.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert tasks.retry_due_linkbacks.call() == 1
    waiting.refresh_from_db()
    assert waiting.status == IncomingWebmention.Status.DELETED
    assert not Response.objects.filter(page=post).exists()


def test_a_source_back_on_the_second_look_keeps_its_response(client, web, post):
    source = web.page("/2026/11/30/hello/", wordpress_post(post.full_url))
    mention(client, source, post.full_url)
    web.page("/2026/11/30/hello/", "<html><p>Moving.</p></html>", status=404)
    mention(client, source, post.full_url)
    web.page("/2026/11/30/hello/", wordpress_post(post.full_url))
    IncomingWebmention.objects.filter(status="queued").update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    tasks.retry_due_linkbacks.call()
    assert IncomingWebmention.objects.latest("created_at").status == IncomingWebmention.Status.UPDATED
    assert Response.objects.filter(page=post).count() == 1


@pytest.fixture
def rules_decide(settings):
    """No Akismet here: the word lists and hold rules decide, as for a first webmention."""
    settings.AKISMET_API_KEY = ""
    settings.DISCUSSION_HOLD_WITHOUT_AKISMET = False
    settings.DISCUSSION_PREVIOUSLY_APPROVED = False
    return settings


def word_lists(post, moderation="", blocked=""):
    options = DiscussionSettings.for_site(post.get_site())
    options.moderation_words, options.blocked_words = moderation, blocked
    options.save()


def test_an_approved_webmention_edited_to_fail_the_rules_goes_back_to_pending(client, web, post, rules_decide):
    word_lists(post, moderation="casino")
    html = NOTE.format(title="Notes", head="", body="", content="Loved", link_class="", target=post.full_url)
    source = web.page("/note", html)
    mention(client, source, post.full_url)
    stored = Response.objects.get()
    assert stored.status == Response.Status.APPROVED
    web.page("/note", html.replace("Loved", "Best casino bonus, loved"))
    mention(client, source, post.full_url)
    stored.refresh_from_db()
    assert stored.status == Response.Status.PENDING and "casino" in stored.content
    actions = list(stored.history.values_list("action", "status_from", "status_to"))
    assert ("webmention-updated", "", "") in actions
    assert ("status-pending", "approved", "pending") in actions
    assert "it is pending" in IncomingWebmention.objects.latest("created_at").message


def test_an_edit_with_a_blocked_word_goes_to_spam_and_a_spam_one_stays_spam(client, web, post, rules_decide):
    word_lists(post, blocked="viagra")
    html = NOTE.format(title="Notes", head="", body="", content="Loved", link_class="", target=post.full_url)
    source = web.page("/note", html)
    mention(client, source, post.full_url)
    web.page("/note", html.replace("Loved", "Cheap viagra, loved"))
    mention(client, source, post.full_url)
    stored = Response.objects.get()
    assert stored.status == Response.Status.SPAM
    assert stored.history.filter(action="blocked-word", note="viagra").exists()
    web.page("/note", html)
    mention(client, source, post.full_url)
    stored.refresh_from_db()
    assert stored.status == Response.Status.SPAM, "resending clean words does not take a response out of spam"


def test_an_edit_that_still_passes_stays_approved(client, web, post, rules_decide):
    html = NOTE.format(title="Notes", head="", body="", content="Loved", link_class="", target=post.full_url)
    source = web.page("/note", html)
    mention(client, source, post.full_url)
    web.page("/note", html.replace("Loved", "Really loved"))
    mention(client, source, post.full_url)
    stored = Response.objects.get()
    assert stored.status == Response.Status.APPROVED and stored.content == "[…] Really loved your post! […]"
    assert stored.history.filter(action="webmention-updated").count() == 1


def test_an_edit_is_asked_of_akismet_again_and_its_spam_verdict_applies(
    client, web, post, settings, monkeypatch, django_capture_on_commit_callbacks
):
    import akismet

    from discussion import akismet as discussion_akismet

    class Ham(akismet.TestSyncClient):
        comment_check_response = akismet.CheckResponse.HAM

    class Spam(akismet.TestSyncClient):
        comment_check_response = akismet.CheckResponse.SPAM

    settings.AKISMET_API_KEY = "test-akismet-key"
    settings.DISCUSSION_PREVIOUSLY_APPROVED = False
    monkeypatch.setattr(discussion_akismet, "transport", None)
    monkeypatch.setattr(discussion_akismet, "client_class", Ham)
    html = NOTE.format(title="Notes", head="", body="", content="Loved", link_class="", target=post.full_url)
    source = web.page("/note", html)
    with django_capture_on_commit_callbacks(execute=True):
        mention(client, source, post.full_url)
    stored = Response.objects.get()
    assert stored.status == Response.Status.APPROVED
    monkeypatch.setattr(discussion_akismet, "client_class", Spam)
    web.page("/note", html.replace("Loved", "Now selling pills, loved"))
    with django_capture_on_commit_callbacks(execute=True):
        mention(client, source, post.full_url)
    stored.refresh_from_db()
    assert stored.status == Response.Status.SPAM and "pills" in stored.content
    assert stored.history.filter(action="check-spam").exists()
    assert list(stored.history.filter(status_to__gt="").values_list("status_from", "status_to"))[-2:] == [
        ("approved", "pending"),
        ("pending", "spam"),
    ]
