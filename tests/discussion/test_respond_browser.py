"""Replying in place and being remembered, in Chromium with JavaScript on and off."""

import pytest

from blog.models import BlogPage
from discussion.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_site")]
SEED = "Mayo Clinic sets a high bar with social media"


@pytest.fixture(autouse=True)
def quick_readers(settings):
    settings.DISCUSSION_MIN_SUBMIT_SECONDS = 0  # a script types faster than the time trap allows
    settings.DISCUSSION_FLOOD_SECONDS = 0


def seed_url() -> str:
    return BlogPage.objects.get(title=SEED).url


def test_reply_opens_the_form_under_the_comment_and_focuses_it(live_server, page):
    page.goto(live_server.url + seed_url())
    mezzo = Response.objects.get(author_name="Mezzo")
    page.locator(f"#response-{mezzo.pk} .reply-link").click()
    assert page.url.endswith(seed_url()), "the page does not reload"
    assert page.evaluate("document.getElementById('respond').closest('li.response').id") == f"response-{mezzo.pk}"
    assert page.evaluate("document.activeElement.name") == "content"
    assert "Reply to Mezzo" in page.locator("#respond .respond-title").inner_text()

    page.get_by_role("link", name="Cancel reply").click()
    assert page.evaluate("document.getElementById('respond').closest('li.response')") is None
    page.locator(f"#response-{mezzo.pk} .reply-link").click()

    page.get_by_role("textbox", name="Name").fill("Ada")
    page.get_by_role("textbox", name="Email").fill("ada@example.com")
    page.get_by_role("textbox", name="Comment").fill("Answering in place.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_selector("text=Answering in place.")
    assert Response.objects.get(content="Answering in place.").parent_id == mezzo.pk


def test_name_and_email_are_remembered_only_when_asked(live_server, page):
    page.goto(live_server.url + seed_url())
    box = page.get_by_role("checkbox", name="Save my name, email and website in this browser")
    assert box.is_visible() and not box.is_checked(), "off by default"
    page.get_by_role("textbox", name="Name").fill("Grace")
    page.get_by_role("textbox", name="Email").fill("grace@example.com")
    page.get_by_role("textbox", name="Comment").fill("Not remembered.")
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_selector("text=Not remembered.")
    assert not [c for c in page.context.cookies() if c["name"] == "bc_commenter"]

    other = BlogPage.objects.live().exclude(title=SEED).first()
    page.goto(live_server.url + other.url)
    page.get_by_role("textbox", name="Name").fill("Grace")
    page.get_by_role("textbox", name="Email").fill("grace@example.com")
    page.get_by_role("textbox", name="Comment").fill("Remember me, please.")
    page.get_by_role("checkbox", name="Save my name, email and website in this browser").check()
    page.get_by_role("button", name="Post comment").click()
    page.wait_for_selector("text=Remember me, please.")

    page.goto(live_server.url + seed_url())
    assert page.get_by_role("textbox", name="Name").input_value() == "Grace"
    assert page.get_by_role("textbox", name="Email").input_value() == "grace@example.com"
    assert page.get_by_role("checkbox", name="Save my name, email and website in this browser").is_checked()


def test_without_javascript_reply_goes_to_the_form_and_nothing_is_remembered(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + seed_url())
        assert not page.locator("#remember-commenter").is_visible()
        mezzo = Response.objects.get(author_name="Mezzo")
        page.locator(f"#response-{mezzo.pk} .reply-link").click()
        assert f"replyto={mezzo.pk}" in page.url
        assert "Reply to Mezzo" in page.locator("#respond").inner_text()
        page.get_by_role("textbox", name="Name").fill("Linus")
        page.get_by_role("textbox", name="Email").fill("linus@example.com")
        page.get_by_role("textbox", name="Comment").fill("No script here.")
        page.get_by_role("button", name="Post comment").click()
        page.wait_for_selector("text=No script here.")
        assert Response.objects.get(content="No script here.").parent_id == mezzo.pk
    finally:
        context.close()
