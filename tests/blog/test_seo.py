import pytest
from lxml import etree

from tests.builders import make_post

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.mark.django_db
def test_sitemap_lists_live_pages_only(client, blog_index):
    make_post(blog_index, "Public post")
    make_post(blog_index, "Draft post", live=False)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    locations = etree.fromstring(response.content).xpath("//s:url/s:loc/text()", namespaces=SITEMAP_NS)
    assert "http://testserver/public-post/" in locations
    assert "http://testserver/" in locations
    assert "http://testserver/draft-post/" not in locations


@pytest.mark.django_db
def test_robots_txt_points_at_the_sitemap_and_hides_the_admin(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text
