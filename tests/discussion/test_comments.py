"""Readers: posting, seeing their comment, threading, errors, closing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from discussion.models import Response
from tests.builders import make_post
from tests.discussion.conftest import make_response, post_comment

pytestmark = pytest.mark.django_db


def test_approved_comment_is_shown_with_heading_count(client, post):
    reply = post_comment(client, post, content="Great read, thanks!")
    assert reply.status_code == 303
    response = Response.objects.get()
    assert response.status == "approved"
    assert reply["Location"] == f"{post.url}#response-{response.pk}"
    page = client.get(post.url)
    html = page.content.decode()
    assert "One response to “Hello world”" in html
    assert "Great read, thanks!" in html
    assert "mezzo@example.com" not in html
    assert response.avatar_url in html.replace("&amp;", "&")


def test_heading_counts_comments_and_linkbacks_alike(client, post):
    make_response(post)
    make_response(
        post,
        kind="pingback",
        author_name="Alice's blog",
        source_url="https://alice.example/post",
        source_title="Alice's blog",
        content="[…] Bob's write-up is the best summary so far […]",
        author_email="",
    )
    make_response(post, status="pending", content="held-text-xyz")
    make_response(post, status="spam", content="spam text")
    html = client.get(post.url).content.decode()
    assert "2 responses to “Hello world”" in html
    assert "<p>[…] Bob's write-up is the best summary so far […]</p>" in html
    assert 'href="https://alice.example/post"' in html
    assert "held-text-xyz" not in html and "spam text" not in html


def test_no_responses_heading(client, post):
    assert "No responses yet to “Hello world”" in client.get(post.url).content.decode()


def test_held_comment_is_visible_only_to_its_author(client, post, settings):
    settings.DISCUSSION_MANUAL_MODERATION = True
    reply = post_comment(client, post, content="Please approve me")
    response = Response.objects.get()
    assert response.status == "pending"
    assert reply["Location"].endswith(f"#response-{response.pk}")
    own = client.get(post.url).content.decode()
    assert "Please approve me" in own and "awaiting moderation" in own
    assert "No responses yet" in own
    client.cookies.clear()
    other = client.get(post.url).content.decode()
    assert "Please approve me" not in other


def test_forged_pending_cookie_shows_nothing(client, post):
    held = make_response(post, status="pending", content="Someone else's held comment")
    client.cookies["discussion_pending"] = f"[{held.pk}]"
    assert "Someone else" not in client.get(post.url).content.decode()


def test_form_has_fields_and_no_email_shown(client, post):
    html = client.get(post.url).content.decode()
    for name in ("author_name", "author_email", "author_url", "content", "notify_replies", "homepage", "token"):
        assert f'name="{name}"' in html
    assert "Your email address will not be published" in html


def test_errors_next_to_field_with_400_and_text_kept(client, post):
    reply = post_comment(client, post, author_name="", author_email="not-an-email", content="My precious text")
    assert reply.status_code == 400
    html = reply.content.decode()
    assert "My precious text" in html
    assert 'id="id_author_name_error"' in html and "This field is required." in html
    assert 'aria-invalid="true" aria-describedby="id_author_name_error"' in html
    assert 'id="id_author_email_error"' in html and "Enter a valid email address." in html
    assert f'<form class="comment-form" method="post" action="/discussion/{post.pk}/comment/#respond"' in html
    assert not Response.objects.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/", "data:text/html,hi"])
def test_website_must_be_http(client, post, url):
    reply = post_comment(client, post, author_url=url)
    assert reply.status_code == 400
    assert not Response.objects.exists()


def test_reply_link_works_without_javascript(client, post):
    parent = make_response(post, author_name="First")
    html = client.get(post.url).content.decode()
    assert f'href="?replyto={parent.pk}#respond"' in html
    form = client.get(post.url, {"replyto": parent.pk}).content.decode()
    assert "Reply to <bdi>First</bdi>" in form
    assert f'name="parent" value="{parent.pk}"' in form
    post_comment(client, post, parent=str(parent.pk), content="A reply")
    reply = Response.objects.get(content="A reply")
    assert reply.parent == parent


@pytest.mark.parametrize("value", ["²", "١", "-1", "1e3", "", "9" * 40])
def test_odd_reply_ids_never_break_the_page(client, post, value):
    assert client.get(post.url, {"replyto": value}).status_code == 200
    assert post_comment(client, post, parent=value, author_name="").status_code == 400
    if value:
        assert post_comment(client, post, parent=value).status_code == 400


def test_reply_to_held_response_is_refused(client, post):
    held = make_response(post, status="pending")
    reply = post_comment(client, post, parent=str(held.pk), content="A reply")
    assert reply.status_code == 403
    assert "published response" in reply.content.decode()


def test_reply_to_missing_or_foreign_parent_is_refused(client, post, blog_index):
    other = make_post(blog_index, "Other")
    foreign = make_response(other)
    assert post_comment(client, post, parent="999999").status_code == 400
    assert post_comment(client, post, parent=str(foreign.pk)).status_code == 400
    assert post_comment(client, post, parent="abc").status_code == 400


def test_threading_is_nested_and_flattened_past_the_depth_limit(client, post, settings):
    settings.DISCUSSION_THREAD_DEPTH = 3
    parent, chain = None, []
    for level in range(1, 6):
        parent = make_response(post, parent=parent, content=f"level {level}")
        chain.append(parent)
    html = client.get(post.url).content.decode()
    assert html.count('<ol class="children">') == 2
    for response, depth in zip(chain, (1, 2, 3, 3, 3), strict=True):
        assert f'id="response-{response.pk}" class="response response-comment depth-{depth}"' in html
    assert html.index("level 3") < html.index("level 4") < html.index("level 5")
    assert "depth-4" not in html
    replies_offered = [r for r in chain if f'href="?replyto={r.pk}#respond"' in html]
    assert replies_offered == chain[:2], "as in WordPress, the deepest level has no reply link"


def test_comments_closed_per_page(client, blog_index):
    post = make_post(blog_index, "Closed", accept_comments=False)
    html = client.get(post.url).content.decode()
    assert "Comments are closed on this page." in html
    assert 'name="content"' not in html
    reply = post_comment(client, post)
    assert reply.status_code == 403
    assert "Comments are closed" in reply.content.decode()


def test_comments_close_after_n_days(client, blog_index, settings):
    settings.DISCUSSION_CLOSE_AFTER_DAYS = 14
    old = make_post(blog_index, "Old", date=timezone.now() - timedelta(days=20))
    new = make_post(blog_index, "New", date=timezone.now() - timedelta(days=2))
    assert "Comments close 14 days after publication" in client.get(old.url).content.decode()
    assert post_comment(client, old).status_code == 403
    assert post_comment(client, new).status_code == 303


def test_get_is_not_allowed(client, post):
    from django.urls import reverse

    reply = client.get(reverse("discussion:post", args=[post.pk]))
    assert reply.status_code == 405
    assert reply["Allow"] == "POST"


def test_unknown_or_draft_page_is_404(client, blog_index):
    draft = make_post(blog_index, "Draft", live=False)
    assert post_comment(client, draft).status_code == 404
    from django.urls import reverse

    assert client.post(reverse("discussion:post", args=[987654])).status_code == 404


def avatar_of(html: str, response: Response) -> str:
    start = html.index(f'id="{response.anchor}"')
    return html[html.index('<span class="avatar"', start) : html.index("</span>", start) + len("</span>")]


def test_avatar_degrades_to_the_initial_without_a_broken_frame(client, post):
    response = make_response(post, author_name="  mezzo", author_email="mezzo@example.com")
    avatar = avatar_of(client.get(post.url).content.decode(), response)
    assert avatar.startswith('<span class="avatar" aria-hidden="true">M<img ')
    assert 'alt=""' in avatar and 'width="40" height="40"' in avatar
    assert 'loading="lazy"' in avatar and 'referrerpolicy="no-referrer"' in avatar
    assert f'src="{response.avatar_url.replace("&", "&amp;")}"' in avatar


def test_a_linkback_without_email_or_photo_shows_its_initial_and_asks_gravatar_nothing(client, post):
    response = make_response(post, kind="pingback", author_name="alice’s blog", author_email="", content="[…] x […]")
    html = client.get(post.url).content.decode()
    assert avatar_of(html, response) == '<span class="avatar" aria-hidden="true">A</span>'
    assert "gravatar" not in html


@pytest.mark.parametrize(("name", "initial"), [("Ünal", "Ü"), ("@@", "?"), ("'bob'", "B"), ("<i>", "I")])
def test_avatar_initial_is_a_letter_or_a_question_mark(post, name, initial):
    assert Response(author_name=name).author_initial == initial


def test_sender_photo_replaces_the_gravatar(client, post):
    response = make_response(post, kind="webmention", author_photo="https://alice.example/me.jpg?a=1&b=2")
    avatar = avatar_of(client.get(post.url).content.decode(), response)
    assert 'src="https://alice.example/me.jpg?a=1&amp;b=2"' in avatar
    assert "gravatar" not in avatar and 'referrerpolicy="no-referrer"' in avatar


@pytest.mark.parametrize(
    "photo",
    [
        "javascript:alert(1)",
        "data:image/svg+xml,<svg onload=alert(1)>",
        " javascript:alert(1)",
        "vbscript:x",
        "//evil.example/x.png",
    ],
)
def test_unsafe_sender_photos_fall_back_to_the_gravatar(client, post, photo):
    response = make_response(post, kind="webmention", author_photo=photo)
    avatar = avatar_of(client.get(post.url).content.decode(), response)
    assert 'src="https://www.gravatar.com/avatar/' in avatar
    assert "alert" not in avatar and "evil" not in avatar


def test_quotes_in_a_sender_photo_cannot_break_out_of_the_attribute(client, post):
    response = make_response(post, kind="webmention", author_photo='https://a.example/x.png" onerror="alert(1)')
    avatar = avatar_of(client.get(post.url).content.decode(), response)
    assert 'src="https://a.example/x.png&quot; onerror=&quot;alert(1)"' in avatar
