"""In Chromium: a reader comments and replies on the seed post, a moderator approves the held reply
in the Wagtail admin, and the reader sees it."""

import pytest

from blog.models import BlogPage
from discussion.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_site")]
SEED = "Mayo Clinic sets a high bar with social media"


def test_reader_comments_replies_and_sees_the_approved_reply(
    live_server,
    page,
    browser,
    settings,
    django_user_model,
):
    settings.DISCUSSION_MIN_SUBMIT_SECONDS = 0  # a script types faster than the time trap allows
    settings.DISCUSSION_FLOOD_SECONDS = 0  # and replies sooner than a person would
    seed = BlogPage.objects.get(title=SEED)
    page.goto(live_server.url + seed.url)

    page.get_by_role("textbox", name="Name").fill("Mezzo")
    page.get_by_role("textbox", name="Email").fill("mezzo@example.com")
    page.get_by_role("textbox", name="Comment").fill("The follower counts are remarkable.")
    page.get_by_role("button", name="Post comment").click()
    comment = page.locator(".response", has_text="The follower counts are remarkable.")
    assert comment.is_visible()
    assert "awaiting moderation" not in comment.inner_text()

    comment.get_by_role("link", name="Reply").click()
    assert "Reply to Mezzo" in page.locator("#respond").inner_text()
    page.get_by_role("textbox", name="Name").fill("Mezzo")
    page.get_by_role("textbox", name="Email").fill("mezzo@example.com")
    page.get_by_role("textbox", name="Comment").fill("Sources: https://example.com/a and https://example.com/b")
    page.get_by_role("button", name="Post comment").click()
    reply = page.locator(".children .response", has_text="Sources:")
    assert "awaiting moderation" in reply.inner_text()
    held = Response.objects.get(status="pending")

    django_user_model.objects.create_superuser("moderator", "moderator@example.com", "correct horse")
    admin = browser.new_context().new_page()
    admin.goto(live_server.url + "/admin/login/")
    admin.get_by_label("Username").fill("moderator")
    admin.get_by_label("Password").fill("correct horse")
    admin.get_by_role("button", name="Sign in").click()
    admin.wait_for_url("**/admin/")
    assert admin.get_by_role("link", name="Responses (1)").is_visible()
    admin.get_by_role("link", name="Responses (1)").click()
    admin.get_by_role("link", name="Mezzo").and_(admin.locator(f'[href$="/{held.pk}/"]')).click()
    admin.get_by_role("combobox", name="Status").select_option("approved")
    admin.get_by_role("button", name="Save").first.click()
    admin.wait_for_url("**/discussion/response/")
    admin.context.close()

    page.reload()
    reply = page.locator(".children .response", has_text="Sources:")
    assert reply.is_visible()
    assert "awaiting moderation" not in reply.inner_text()
    page.context.clear_cookies()
    page.reload()
    assert page.locator(".children .response", has_text="Sources:").is_visible(), "everyone sees it now"
    approved = Response.objects.filter(page=seed, status="approved").count()
    assert page.locator("#responses-title").inner_text().startswith(f"{approved} responses to")


def test_an_avatar_that_cannot_load_shows_the_initial_not_a_broken_image(live_server, page):
    """Readers whose network blocks Gravatar: the request fails (here it is aborted, never sent)."""
    blocked = []
    page.route("**/*gravatar.com/**", lambda route: (blocked.append(route.request.url), route.abort()))
    seed = BlogPage.objects.get(title=SEED)
    page.goto(live_server.url + seed.url)
    avatar = page.locator(".response", has_text="Mezzo").locator(".avatar").first
    image = avatar.locator("img")
    image.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete", arg=image.element_handle())
    assert blocked, "the Gravatar was requested and failed"
    assert image.evaluate("img => img.naturalWidth") == 0
    box = avatar.bounding_box()
    assert (round(box["width"]), round(box["height"])) == (40, 40), "a fixed-size circle, whatever the image does"
    cover = image.evaluate("img => getComputedStyle(img, '::before').content")
    assert cover == '"M"', "a failed image is covered by the initial, hiding the browser's broken-image icon"


def test_the_form_works_with_javascript_off(live_server, browser, settings):
    settings.DISCUSSION_MIN_SUBMIT_SECONDS = 0
    settings.DISCUSSION_FLOOD_SECONDS = 0
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.route("**/*gravatar.com/**", lambda route: route.abort())
    seed = BlogPage.objects.get(title=SEED)
    page.goto(live_server.url + seed.url)

    page.get_by_role("textbox", name="Name").fill("Nojs Reader")
    page.get_by_role("textbox", name="Email").fill("not an email")
    page.get_by_role("textbox", name="Comment").fill("Written without any script.")
    page.get_by_role("button", name="Post comment").click()
    assert page.url.endswith("#respond"), "the page sent back opens at the form"
    email = page.get_by_role("textbox", name="Email")
    assert email.get_attribute("aria-invalid") == "true"
    assert page.locator("#id_author_email_error").inner_text() == "Enter a valid email address."
    assert page.get_by_role("textbox", name="Comment").input_value() == "Written without any script."

    email.fill("nojs@example.com")
    page.get_by_role("button", name="Post comment").click()
    comment = page.locator(".response", has_text="Written without any script.")
    assert comment.is_visible()

    comment.get_by_role("link", name="Reply").click()
    assert "Reply to Nojs Reader" in page.locator("#respond").inner_text()
    page.get_by_role("textbox", name="Name").fill("Nojs Reader")
    page.get_by_role("textbox", name="Email").fill("nojs@example.com")
    page.get_by_role("textbox", name="Comment").fill("And a reply, still no script.")
    page.get_by_role("button", name="Post comment").click()
    assert page.locator(".children .response", has_text="And a reply, still no script.").is_visible()
    context.close()
