"""The Content-Security-Policy breaks nothing: public pages, the podcast player and the Wagtail admin
load in a real Chromium with no violation reported."""

import json

import pytest
from wagtail.models import Collection

from blog.models import BlogIndexPage, BlogPage
from discussion.models import Response
from podcast.models import EpisodePage
from tests.blog.test_editor_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_site")]

LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI || "inline"} (${where})`);
});
"""


def violations_on(page, url: str, then=None) -> list[str]:
    page.goto(url, wait_until="load")
    if then:
        then(page)
    return page.evaluate("window.__violations")


def test_public_pages_and_the_player_report_no_violation(live_server, page):
    page.add_init_script(LISTEN)
    post, episode = BlogPage.objects.live().first(), EpisodePage.objects.live().first()

    def play(page):
        page.locator("audio").first.evaluate("audio => { audio.muted = true; return audio.play(); }")
        page.wait_for_function("() => document.querySelector('audio').currentTime > 0")

    found = {
        "home": violations_on(page, live_server.url + "/"),
        "post": violations_on(page, live_server.url + post.url),
        "episode, playing": violations_on(page, live_server.url + episode.url, play),
        "search": violations_on(page, live_server.url + "/search/?q=post"),
    }
    assert {name: v for name, v in found.items() if v} == {}, json.dumps(found, indent=1)


def test_the_wagtail_admin_reports_no_violation(live_server, page):
    if Collection.get_first_root_node() is None:  # a transactional test's flush removed the migration's root
        Collection.add_root(name="Root")
    page.add_init_script(LISTEN)
    sign_in(page, live_server.url)
    index, post = BlogIndexPage.objects.get(), BlogPage.objects.live().first()
    response = Response.objects.first()

    def open_image_chooser(page):
        page.get_by_role("button", name="Choose an image").first.click()
        page.locator(".modal-content").first.wait_for()

    pages = {
        "dashboard": ("/admin/", None),
        "explorer": (f"/admin/pages/{index.pk}/", None),
        "edit post": (f"/admin/pages/{post.pk}/edit/", None),
        "new post, image chooser": (f"/admin/pages/add/blog/blogpage/{index.pk}/", open_image_chooser),
        "responses": ("/admin/snippets/discussion/response/", None),
        "edit response": (f"/admin/snippets/discussion/response/edit/{response.pk}/", None),
        "images": ("/admin/images/", None),
        "documents": ("/admin/documents/", None),
        "discussion settings": ("/admin/settings/discussion/discussionsettings/", None),
    }
    found = {name: violations_on(page, live_server.url + path, then) for name, (path, then) in pages.items()}
    assert {name: v for name, v in found.items() if v} == {}, json.dumps(found, indent=1)
