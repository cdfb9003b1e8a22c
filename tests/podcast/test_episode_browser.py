"""The demo episode in a real browser: the player loads, chapters seek, nothing overflows on a phone."""

import pytest

from podcast.models import EpisodePage

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("demo_site")]


def test_chapter_links_seek_the_player_and_mark_the_chapter(live_server, page):
    episode = EpisodePage.objects.get(slug="why-we-started")
    page.goto(live_server.url + episode.url)
    # Functions, not bare expressions: Playwright eval()s those, which the CSP refuses.
    page.wait_for_function("() => document.getElementById('episode-player').readyState >= 1")
    assert page.evaluate("Math.round(document.getElementById('episode-player').duration)") == 30

    chapter = page.get_by_role("link", name="0:10 Why a podcast")
    assert chapter.get_attribute("href").endswith(".mp3#t=10"), "without JavaScript the link opens the media there"
    chapter.click()
    page.wait_for_function("() => document.getElementById('episode-player').currentTime >= 10")
    assert page.url.endswith(episode.url), "with JavaScript the page stays and the player seeks"
    page.wait_for_selector(".chapters li[aria-current] >> text=Why a podcast")

    assert page.get_by_text("Host: Why we started this show, part 2.").is_visible()
    assert page.get_by_role("link", name="Download the episode").is_visible()
    download = page.request.get(page.get_by_role("link", name="Download the episode").get_attribute("href"))
    assert download.ok and download.headers["content-type"] == "audio/mpeg"
    assert page.locator("#responses form").count() == 1


def test_show_and_episode_pages_read_well_on_a_phone(live_server, page):
    page.set_viewport_size({"width": 375, "height": 740})
    for path in ("/podcast/", "/podcast/why-we-started/"):
        page.goto(live_server.url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways on a narrow screen"
    feed = page.get_by_role("textbox", name="Podcast feed URL")
    assert feed.input_value().endswith("/podcast/feed/")
