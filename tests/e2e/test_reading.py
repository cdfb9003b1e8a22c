import pytest

from blog.models import BlogPage

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_site")]


def test_reader_opens_the_seed_post_and_follows_the_rss_link(live_server, page):
    seed = BlogPage.objects.get(title="Mayo Clinic sets a high bar with social media")
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Mayo Clinic sets a high bar with social media").first.click()
    page.wait_for_url(f"**{seed.url}")
    assert page.get_by_role("heading", level=1).inner_text() == "Mayo Clinic sets a high bar with social media"
    assert page.get_by_text("One such success story is Mayo Clinic").is_visible()

    feed_href = page.locator('link[rel="alternate"][type="application/rss+xml"]').first.get_attribute("href")
    response = page.request.get(live_server.url + feed_href)
    assert response.ok
    assert response.headers["content-type"].startswith("application/rss+xml")
    assert "<title>Mayo Clinic sets a high bar with social media</title>" in response.text()

    with page.expect_response(lambda r: r.url.endswith("/feed/")) as followed:
        page.get_by_role("link", name="RSS feed").click()
    assert followed.value.ok
    assert "<title>Mayo Clinic sets a high bar with social media</title>" in followed.value.text()


def test_post_page_reads_well_on_a_phone(live_server, page):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + "/mayo-clinic-sets-a-high-bar-with-social-media/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, "nothing scrolls sideways on a narrow screen"
    assert page.get_by_role("link", name="Skip to content").count() == 1
