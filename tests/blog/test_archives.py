from datetime import datetime

import pytest
from django.utils import timezone

from tests.builders import make_author, make_category, make_post


def titles(response) -> list[str]:
    html = response.content.decode()
    return [chunk.split(">", 1)[1].split("</a>", 1)[0] for chunk in html.split("<h2><a href=")[1:]]


def at(year: int, month: int, day: int = 1):
    return timezone.make_aware(datetime(year, month, day, 12))


@pytest.mark.django_db
def test_front_page_lists_newest_first_with_pagination(client, blog_index, settings):
    settings.BLOG_POSTS_PER_PAGE = 2
    for day in range(1, 6):
        make_post(blog_index, f"Post {day}", date=at(2024, 3, day))
    first = client.get("/")
    assert titles(first) == ["Post 5", "Post 4"]
    assert "Page 1 of 3" in first.content.decode()
    assert titles(client.get("/?page=3")) == ["Post 1"]
    assert titles(client.get("/?page=99")) == ["Post 1"], "an out-of-range page shows the last page"


@pytest.mark.django_db
def test_year_and_month_archives(client, blog_index):
    make_post(blog_index, "March", date=at(2024, 3, 10))
    make_post(blog_index, "April", date=at(2024, 4, 10))
    make_post(blog_index, "Older", date=at(2023, 4, 10))
    assert titles(client.get("/2024/")) == ["April", "March"]
    month = client.get("/2024/04/")
    assert titles(month) == ["April"]
    assert "Posts from April 2024" in month.content.decode()
    assert client.get("/2024/13/").status_code == 404


@pytest.mark.django_db
def test_category_tag_and_author_archives(client, blog_index):
    news = make_category("News")
    grace = make_author("Grace Hopper", bio="Compiler pioneer.")
    make_post(blog_index, "Categorised", categories=[news])
    make_post(blog_index, "Tagged", tags=["Podcasting"])
    make_post(blog_index, "By Grace", authors=[grace])
    assert titles(client.get("/category/news/")) == ["Categorised"]
    assert titles(client.get("/tag/podcasting/")) == ["Tagged"]
    by_author = client.get("/author/grace-hopper/")
    assert titles(by_author) == ["By Grace"]
    assert "Posts by Grace Hopper" in by_author.content.decode()
    assert "Compiler pioneer." in by_author.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/category/nope/", "/tag/nope/", "/author/nope/", "/category/nope/feed/"])
def test_unknown_archive_is_404(client, blog_index, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_search_finds_posts_by_title_and_body(client, blog_index):
    make_post(blog_index, "Mayo Clinic and social media", body="<p>Patients and followers.</p>")
    make_post(blog_index, "Unrelated", body="<p>Gardening.</p>")
    found = client.get("/search/", {"q": "followers"})
    assert titles(found) == ["Mayo Clinic and social media"]
    nothing = client.get("/search/", {"q": "zeppelin"})
    assert "Nothing matched your search" in nothing.content.decode()
    assert '<meta name="robots" content="noindex">' in nothing.content.decode()


@pytest.mark.django_db
def test_term_indexes_list_terms_in_use_with_counts(client, blog_index, django_assert_max_num_queries, settings):
    settings.PAGE_CACHE = False  # the cold render
    news, empty = make_category("News"), make_category("Never used")
    grace = make_author("Grace Hopper")
    make_post(blog_index, "One", categories=[news], tags=["rss", "feeds"], authors=[grace])
    make_post(blog_index, "Two", categories=[news], tags=["rss"])
    make_post(blog_index, "Draft", categories=[empty], tags=["secret"], live=False)

    client.get("/tag/")  # the first render after a change also builds this version's shared fragments
    with django_assert_max_num_queries(10):
        tags = client.get("/tag/")
    html = tags.content.decode()
    assert tags.status_code == 200 and "<h1>Tags</h1>" in html
    assert '<a href="/tag/rss/">rss</a> <span class="count">2 posts</span>' in html
    assert '<a href="/tag/feeds/">feeds</a> <span class="count">1 post</span>' in html
    assert "secret" not in html, "a tag used only by a draft is not listed"

    categories = client.get("/category/").content.decode()
    assert '<a href="/category/news/">News</a> <span class="count">2 posts</span>' in categories
    assert "Never used" not in categories
    assert '<a href="/author/grace-hopper/">Grace Hopper</a>' in client.get("/author/").content.decode()
    for url in ("/tag/rss/", "/category/news/", "/author/grace-hopper/"):
        assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_search_finds_posts_episodes_and_pages(client, blog_index):
    from tests.podcast.builders import make_episode, make_show
    from wordpress.models import StandardPage

    make_post(blog_index, "A post about zeppelins")
    make_episode(make_show(blog_index), "Zeppelins, the episode")
    blog_index.add_child(instance=StandardPage(title="About zeppelins", slug="about"))
    make_post(blog_index, "Unrelated")
    html = client.get("/search/", {"q": "zeppelins"}).content.decode()
    for title, kind in (
        ("A post about zeppelins", "Post"),
        ("Zeppelins, the episode", "Episode"),
        ("About zeppelins", "Page"),
    ):
        card = html.split(f">{title}</a>")[0].rsplit('<article class="post-card search-result">', 1)[1]
        assert f'<p class="result-kind">{kind}</p>' in card
    assert "Unrelated" not in html
