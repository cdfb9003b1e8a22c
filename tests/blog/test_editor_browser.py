"""The post editor in a real browser: a future publish date turns Publish into Schedule, and schedules."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from blog.models import BlogIndexPage, BlogPage

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_site")]


def sign_in(page, base_url: str) -> None:
    get_user_model().objects.create_superuser("editor", "editor@example.org", "a-long-test-password")
    page.goto(base_url + "/admin/login/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill("a-long-test-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base_url + "/admin/")


def test_future_publish_date_says_schedule_and_schedules_the_post(live_server, page):
    sign_in(page, live_server.url)
    index = BlogIndexPage.objects.get()
    page.goto(f"{live_server.url}/admin/pages/add/blog/blogpage/{index.pk}/")
    page.locator("#id_title").fill("Coming soon")
    publish = page.locator('button[name="action-publish"]')
    date = page.locator('input[name="date"]')
    future = timezone.localtime(timezone.now() + timedelta(days=3)).strftime("%Y-%m-%d %H:%M")
    date.fill(future)
    date.dispatch_event("change")
    page.get_by_role("button", name="More actions").click()
    assert publish.inner_text().strip() == "Schedule to publish"
    date.fill("2020-01-01 09:00")
    date.dispatch_event("change")
    assert publish.inner_text().strip() == "Publish"
    date.fill(future)
    date.dispatch_event("change")
    publish.click()
    page.wait_for_url(f"**/admin/pages/{index.pk}/")
    post = BlogPage.objects.get(title="Coming soon")
    assert not post.live and post.go_live_at is not None
    assert page.request.get(live_server.url + "/coming-soon/").status == 404
