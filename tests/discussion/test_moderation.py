"""The moderation pipeline's layers: honeypot, time token, flood, duplicates, links, word lists."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Site

from discussion import moderation, tokens
from discussion.models import DiscussionSettings, Response
from tests.discussion.conftest import make_response, post_comment

pytestmark = pytest.mark.django_db


def actions(response: Response) -> list[str]:
    return list(response.history.values_list("action", flat=True))


def test_honeypot_goes_to_spam_without_asking_akismet(client, post, akismet_http):
    seen = akismet_http(lambda request: pytest.fail("Akismet must not be asked"))
    reply = post_comment(client, post, homepage="http://spam.example")
    assert reply.status_code == 303
    response = Response.objects.get()
    assert response.status == "spam"
    assert "honeypot" in actions(response)
    assert seen == []
    assert "What a lovely post." not in client.get(post.url).content.decode()


def test_time_token_too_fresh_is_refused_with_text_kept(client, post):
    reply = post_comment(client, post, token=tokens.form_token(post.pk), content="Typed very fast")
    assert reply.status_code == 400
    assert "That was very quick" in reply.content.decode()
    assert "Typed very fast" in reply.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize("token", ["", "garbage", "eyJwIjoxfQ:1abc:forged"])
def test_forged_or_missing_token_is_refused(client, post, token):
    reply = post_comment(client, post, token=token)
    assert reply.status_code == 400
    assert "could not be verified" in reply.content.decode()


def test_expired_token_is_refused(client, post):
    old = tokens.form_token(post.pk, issued_at=time.time() - tokens.form_max_age() - 60)
    reply = post_comment(client, post, token=old)
    assert reply.status_code == 400
    assert "expired" in reply.content.decode()


def test_token_for_another_page_is_refused(client, post):
    reply = post_comment(client, post, token=tokens.form_token(post.pk + 1000, issued_at=time.time() - 60))
    assert reply.status_code == 400
    assert "another page" in reply.content.decode()


def test_flood_same_ip_within_15_seconds_is_429(client, post):
    assert post_comment(client, post, ip="10.9.9.9", content="one").status_code == 303
    reply = post_comment(client, post, ip="10.9.9.9", author_email="other@example.com", content="two")
    assert reply.status_code == 429
    assert "too quickly" in reply.content.decode()
    assert "two" in reply.content.decode()


def test_flood_same_email_is_429_and_expires(client, post, settings):
    assert post_comment(client, post, content="one").status_code == 303
    assert post_comment(client, post, author_email="MEZZO@example.com", content="two").status_code == 429
    settings.DISCUSSION_FLOOD_SECONDS = 1
    assert post_comment(client, post, author_email="solo@example.com", content="three").status_code == 303
    give_up = time.monotonic() + 10
    while (status := post_comment(client, post, author_email="solo@example.com", content="four").status_code) == 429:
        assert time.monotonic() < give_up, "the claim in the limits cache runs out after a second"
    assert status == 303


def test_flood_seconds_zero_turns_flood_control_off(client, post, settings):
    settings.DISCUSSION_FLOOD_SECONDS = 0
    assert post_comment(client, post, ip="10.9.9.8", content="one").status_code == 303
    assert post_comment(client, post, ip="10.9.9.8", content="two").status_code == 303
    assert Response.objects.count() == 2


def test_a_refused_duplicate_does_not_count_as_a_flood(client, post):
    assert post_comment(client, post, ip="10.9.9.7", content="one").status_code == 303
    assert post_comment(client, post, ip="10.9.9.7", content="one").status_code == 409
    assert post_comment(client, post, ip="10.9.9.7", content="two").status_code == 429, "the first one still counts"


def test_duplicate_is_409(client, post):
    assert post_comment(client, post).status_code == 303
    Response.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    reply = post_comment(client, post)
    assert reply.status_code == 409
    assert "already said that" in reply.content.decode()
    assert Response.objects.count() == 1


@pytest.mark.parametrize(("links", "status"), [(1, "approved"), (2, "pending"), (3, "pending")])
def test_links_threshold_holds_at_two(client, post, links, status):
    content = " and ".join(f"https://example.com/{n}" for n in range(links))
    post_comment(client, post, content=content)
    assert Response.objects.get().status == status


def word_settings(**fields) -> DiscussionSettings:
    options = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in fields.items():
        setattr(options, name, value)
    options.save()
    return options


@pytest.mark.parametrize(
    "overrides",
    [
        {"author_name": "Casino Bob"},
        {"author_email": "casino@example.com"},
        {"author_url": "https://casino.example"},
        {"content": "Visit my CASINO"},
    ],
)
def test_moderation_words_hold(client, post, overrides):
    word_settings(moderation_words="casino\n")
    post_comment(client, post, **overrides)
    response = Response.objects.get()
    assert response.status == "pending"
    assert "moderation word “casino”" in response.history.get(action="held").note


def test_moderation_words_match_ip(client, post):
    word_settings(moderation_words="10.77.0.1")
    post_comment(client, post, ip="10.77.0.1")
    assert Response.objects.get().status == "pending"


def test_blocked_words_go_to_spam_without_akismet(client, post, akismet_http):
    seen = akismet_http(lambda request: pytest.fail("not asked"))
    word_settings(blocked_words="viagra")
    post_comment(client, post, content="cheap Viagra here")
    response = Response.objects.get()
    assert response.status == "spam"
    assert "blocked-word" in actions(response)
    assert seen == []


def test_previously_approved_rule(client, post, settings):
    settings.DISCUSSION_PREVIOUSLY_APPROVED = True
    settings.DISCUSSION_FLOOD_SECONDS = 0
    post_comment(client, post, content="first")
    assert Response.objects.get().status == "pending"
    Response.objects.update(status="approved", created_at=timezone.now() - timedelta(minutes=1))
    post_comment(client, post, content="second")
    assert Response.objects.get(content="second").status == "approved"


def test_moderator_is_approved_and_exempt(client, post, admin_user, akismet_says):
    akismet_says("spam")
    client.force_login(admin_user)
    post_comment(client, post, ip="10.1.1.1", content="one https://a.example https://b.example")
    post_comment(client, post, ip="10.1.1.1", content="two")
    assert set(Response.objects.values_list("status", flat=True)) == {"approved"}
    assert post_comment(client, post, ip="10.1.1.1", content="two").status_code == 409, "not exempt from duplicates"


def test_moderator_linkback_duplicates_are_still_refused(post, admin_user):
    context = moderation.RequestContext(user=admin_user)
    for attempt in range(2):
        pingback = Response(
            page=post,
            kind="pingback",
            author_name="Our post",
            source_url="http://testserver/x/",
            content="[…] self ping […]",
        )
        if attempt:
            with pytest.raises(moderation.Rejected):
                moderation.submit(pingback, request_context=context)
        else:
            assert moderation.submit(pingback, request_context=context).status == "approved"


def test_every_decision_is_recorded(client, post):
    post_comment(client, post)
    response = Response.objects.get()
    assert actions(response) == ["status-pending", "check-ham", "status-approved"]
    assert response.history.last().status_to == "approved"


def test_submit_is_the_entry_point_for_linkbacks(post):
    """The linkbacks engineer's contract: build an unsaved Response, call submit()."""
    pingback = Response(
        page=post,
        kind="pingback",
        author_name="Alice's blog",
        source_url="https://alice.example/p",
        source_title="Alice's blog",
        content="[…] a link to you […]",
    )
    context = moderation.RequestContext(ip="203.0.113.5", user_agent="WordPress/7", permalink=post.full_url)
    saved = moderation.submit(pingback, request_context=context)
    assert saved.pk and saved.status == "approved"
    assert saved.akismet_payload["comment_type"] == "pingback"
    assert saved.akismet_payload["comment_author_url"] == "https://alice.example/p"
    duplicate = Response(
        page=post, kind="pingback", author_name="x", source_url="https://alice.example/p", content="again"
    )
    with pytest.raises(moderation.Rejected) as rejected:
        moderation.submit(duplicate, request_context=context)
    assert rejected.value.kind == moderation.Refusal.DUPLICATE and rejected.value.http_status == 409


def test_linkbacks_closed_are_rejected(blog_index):
    from tests.builders import make_post

    post = make_post(blog_index, "No pings", accept_linkbacks=False)
    pingback = Response(page=post, kind="pingback", author_name="x", source_url="https://a.example/", content="x")
    with pytest.raises(moderation.Rejected) as rejected:
        moderation.submit(pingback, request_context=moderation.RequestContext(ip="203.0.113.5"))
    assert rejected.value.kind == moderation.Refusal.CLOSED and rejected.value.http_status == 403


def test_imported_rows_are_sanitised_on_save(post):
    response = make_response(post, content_html='<p onclick="x()">hi<script>alert(1)</script></p>')
    assert response.content_html == "<p>hi</p>"


def test_linkback_fields_are_made_to_fit(post):
    context = moderation.RequestContext(ip="203.0.113.5")
    long_title = "T" * 500
    pingback = Response(
        page=post,
        kind="pingback",
        author_name=long_title,
        source_title=long_title,
        source_url="https://a.example/1",
        content="x",
    )
    saved = moderation.submit(pingback, request_context=context)
    saved.refresh_from_db()
    assert len(saved.author_name) == 200 and saved.author_name.endswith("…")
    assert len(saved.source_title) == 300
    huge = Response(
        page=post, kind="pingback", author_name="x", source_url="https://a.example/" + "p" * 2000, content="x"
    )
    with pytest.raises(moderation.Rejected) as rejected:
        moderation.submit(huge, request_context=context)
    assert rejected.value.http_status == 400 and "source url is too long" in rejected.value.message
    assert rejected.value.kind == moderation.Refusal.INVALID


@pytest.mark.parametrize(
    ("photo", "stored"),
    [
        ("https://alice.example/me.jpg", "https://alice.example/me.jpg"),
        ("https://alice.example/" + "p" * 2000, ""),
        ("javascript:alert(1)", ""),
        ("/relative.png", ""),
    ],
)
def test_a_linkback_photo_is_kept_only_when_it_is_a_storable_http_url(post, photo, stored):
    mention = Response(
        page=post,
        kind="webmention",
        author_name="Alice",
        source_url="https://alice.example/note",
        content="x",
        author_photo=photo,
    )
    saved = moderation.submit(mention, request_context=moderation.RequestContext(ip="203.0.113.5"))
    saved.refresh_from_db()
    assert saved.author_photo == stored
