"""Settings → Discussion holds every discussion switch, the environment giving each its default,
and checks the Akismet key with Akismet before it is saved."""

import akismet
import pytest
from django.urls import reverse
from wagtail.models import Site

from discussion import akismet as discussion_akismet
from discussion import options
from discussion.models import DiscussionSettings, Response
from tests.discussion.conftest import post_comment

pytestmark = pytest.mark.django_db
EDIT = "/admin/settings/discussion/discussionsettings/"


def stored(**values) -> DiscussionSettings:
    row = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in values.items():
        setattr(row, name, value)
    row.save()
    options.forget()
    return row


def test_empty_switches_follow_the_environment(post, settings):
    settings.DISCUSSION_THREAD_DEPTH = 3
    settings.DISCUSSION_MANUAL_MODERATION = True
    current = options.current()
    assert (current.thread_depth, current.manual_moderation) == (3, True)


def test_a_switch_set_in_the_admin_wins_over_the_environment(post, settings):
    settings.DISCUSSION_MANUAL_MODERATION = False
    stored(manual_moderation=True, links_to_hold=7, akismet_api_key="from-the-admin")
    current = options.current()
    assert (current.manual_moderation, current.links_to_hold, current.akismet_api_key) == (True, 7, "from-the-admin")


def test_manual_approval_set_in_the_admin_holds_the_next_comment(client, post, discussion_settings):
    stored(manual_moderation=True)
    post_comment(client, post, content="Hold me, please.")
    assert Response.objects.get(content="Hold me, please.").status == Response.Status.PENDING


def test_thread_depth_set_in_the_admin_changes_the_page(client, post):
    parent = Response.objects.create(page=post, author_name="Top", content="Top level", status="approved")
    stored(thread_depth=1)
    html = client.get(post.url).content.decode()
    assert f'href="?replyto={parent.pk}#respond"' not in html, "one level deep: no reply link"
    stored(thread_depth=5)
    assert f'href="?replyto={parent.pk}#respond"' in client.get(post.url).content.decode()


def test_the_form_says_what_the_environment_gives(admin_client, post, settings):
    settings.DISCUSSION_FLOOD_SECONDS = 42
    settings.DISCUSSION_PREVIOUSLY_APPROVED = True
    html = admin_client.get(EDIT, follow=True).content.decode()
    assert 'placeholder="42"' in html and "Empty: 42, from the environment." in html
    assert "As the environment says (on)" in html
    for label in ("Comments must be manually approved", "Threaded comments, levels deep", "Akismet API key"):
        assert label in html
    assert "Verify key" in html


@pytest.mark.parametrize(
    ("accepted", "message"),
    [(True, "Akismet accepted the key."), (False, "Akismet refused the key")],
)
def test_verify_key_asks_akismet(admin_client, post, monkeypatch, accepted, message):
    class Client(akismet.TestSyncClient):
        verify_key_response = accepted

    monkeypatch.setattr(discussion_akismet, "client_class", Client)
    url = reverse("discussion_verify_akismet_key")
    response = admin_client.post(url, {"akismet_api_key": "typed-key"}, follow=True)
    assert any(message in str(m) for m in response.context["messages"])
    assert DiscussionSettings.for_site(Site.objects.get(is_default_site=True)).akismet_api_key == "", "nothing saved"


def test_verify_key_without_any_key_says_so(admin_client, post, settings):
    settings.AKISMET_API_KEY = ""
    response = admin_client.post(reverse("discussion_verify_akismet_key"), {"akismet_api_key": ""}, follow=True)
    assert any("no Akismet key to verify" in str(m) for m in response.context["messages"])
