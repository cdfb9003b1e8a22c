"""The moderation queue in a real browser: keys, bulk actions at once, a phone, and axe-core."""

import json

import pytest

from blog.models import BlogPage
from discussion.models import Response
from tests.blog.test_editor_browser import sign_in
from tests.discussion.conftest import make_response
from tests.e2e.test_accessibility import VIEWPORTS, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_site")]
QUEUE = "/admin/snippets/discussion/response/"


@pytest.fixture
def held():
    post = BlogPage.objects.live().first()
    return [make_response(post, status="pending", author_name=f"Held {n}", content=f"words {n}") for n in (1, 2, 3)]


def test_moderator_approves_with_the_keyboard_and_undoes(live_server, page, held):
    sign_in(page, live_server.url)
    page.get_by_role("link", name="Responses (3)").click()
    page.wait_for_url("**/?status=pending")
    page.keyboard.press("j")
    page.keyboard.press("a")
    page.wait_for_selector("text=1 response approved.")
    newest = held[-1]
    newest.refresh_from_db()
    assert newest.status == "approved"
    page.get_by_role("button", name="Undo").click()
    page.wait_for_selector("text=Undone: 1 response put back.")
    newest.refresh_from_db()
    assert newest.status == "pending"


def test_bulk_spam_acts_without_a_confirmation_page(live_server, page, held):
    sign_in(page, live_server.url)
    page.goto(live_server.url + QUEUE + "?status=pending")
    for box in page.locator("[data-bulk-action-checkbox]").all()[:2]:
        box.check()
    page.get_by_role("link", name="Mark selected responses as spam").click()
    page.wait_for_selector("text=2 responses marked as spam.")
    assert "/bulk/" not in page.url
    assert Response.objects.filter(status="spam", pk__in=[r.pk for r in held]).count() == 2


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_queue_reads_on_a_phone_and_has_no_axe_violations(live_server, page, held, viewport):
    page.set_viewport_size(VIEWPORTS[viewport])
    sign_in(page, live_server.url)
    page.goto(live_server.url + QUEUE + "?status=pending")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "the queue scrolls sideways"
    assert page.get_by_role("button", name="Approve the response by Held 1").is_visible()
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=1)
