"""The admin pages we add or change, at a desktop and a phone size: no axe-core violations."""

import json

import pytest

from blog.models import BlogIndexPage, BlogPage
from discussion.models import Response
from tests.blog.test_editor_browser import sign_in
from tests.e2e.test_accessibility import VIEWPORTS, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_site")]


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_admin_pages_we_change_have_no_axe_violations(live_server, page, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, live_server.url)
    index, post = BlogIndexPage.objects.get(), BlogPage.objects.live().first()
    seed_comment = Response.objects.filter(kind="comment").first()
    pages = {
        "dashboard": "/admin/",
        "new post": f"/admin/pages/add/blog/blogpage/{index.pk}/",
        "edit post": f"/admin/pages/{post.pk}/edit/",
        "settings → discussion": "/admin/settings/discussion/discussionsettings/",
        "reply from the queue": f"/admin/snippets/discussion/response/reply/{seed_comment.pk}/",
        "response history": f"/admin/snippets/discussion/response/history/{seed_comment.pk}/",
    }
    problems = {}
    for name, path in pages.items():
        page.goto(live_server.url + path)
        if violations := axe_violations(page):
            problems[name] = violations
    assert problems == {}, json.dumps(problems, indent=1)
