"""Reading exports safely: every WXR version, and refusing damaged or hostile files with nothing written."""

import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page

from blog.models import Author, Category
from discussion.models import Response
from tests.wordpress.conftest import EXPORT
from wordpress import wxr

WXR_10 = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.0/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:wp="http://wordpress.org/export/1.0/">
<channel>
  <title>Old blog</title><link>http://old.example</link>
  <wp:wxr_version>1.0</wp:wxr_version>
  <wp:category><wp:category_nicename>news</wp:category_nicename><wp:category_parent></wp:category_parent>
    <wp:cat_name><![CDATA[News]]></wp:cat_name></wp:category>
  <item>
    <title>Hello &amp; welcome</title><link>http://old.example/2008/01/hello/</link>
    <dc:creator>admin</dc:creator><guid isPermaLink="false">http://old.example/?p=1</guid>
    <content:encoded><![CDATA[Line one

Line two]]></content:encoded>
    <excerpt:encoded><![CDATA[]]></excerpt:encoded>
    <wp:post_id>1</wp:post_id><wp:post_date>2008-01-01 10:00:00</wp:post_date>
    <wp:post_date_gmt>2008-01-01 09:00:00</wp:post_date_gmt><wp:post_name>hello</wp:post_name>
    <wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
    <category domain="category" nicename="news">News</category>
    <wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_author>Ann</wp:comment_author>
      <wp:comment_date_gmt>2008-01-02 09:00:00</wp:comment_date_gmt>
      <wp:comment_content>Nice</wp:comment_content><wp:comment_approved>1</wp:comment_approved>
      <wp:comment_parent>0</wp:comment_parent></wp:comment>
  </item>
</channel>
</rss>"""

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>
<rss><channel><wp:wxr_version xmlns:wp="http://wordpress.org/export/1.2/">1.2</wp:wxr_version><title>&e;</title></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss><channel><wp:wxr_version xmlns:wp="http://wordpress.org/export/1.2/">1.2</wp:wxr_version>
<title>&secret;</title></channel></rss>"""


def test_real_export_parses_into_every_kind(export):
    assert export.version == "1.2"
    assert export.site_url == "https://wpthemetestdata.wordpress.com"
    assert [a.login for a in export.authors] == ["themedemos", "themereviewteam"]
    assert len(export.categories) == 67 and len(export.tags) == 110
    kinds = {}
    for item in export.items:
        kinds[item.post_type] = kinds.get(item.post_type, 0) + 1
    assert kinds == {"post": 51, "page": 21, "attachment": 38, "nav_menu_item": 70}
    assert sum(len(item.comments) for item in export.items) == 32


def test_wxr_1_0_namespaces_are_read_the_same():
    export = wxr.parse(io.BytesIO(WXR_10))
    assert export.version == "1.0" and export.site_url == "http://old.example"
    (item,) = export.items
    assert (item.post_id, item.title, item.post_name, item.creator) == ("1", "Hello & welcome", "hello", "admin")
    assert item.content == "Line one\n\nLine two"
    assert item.terms_in("category")[0].slug == "news"
    assert item.comments[0].author == "Ann" and item.comments[0].date_gmt == "2008-01-02 09:00:00"
    assert export.categories[0].name == "News"


def test_truncated_export_is_refused_with_its_line_number():
    data = EXPORT.read_bytes()
    with pytest.raises(wxr.WXRError, match=r"not well-formed XML at line 6916, column \d+.*truncated"):
        wxr.parse(io.BytesIO(data[: len(data) // 2]))


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_entity_declarations_are_refused(payload):
    with pytest.raises(wxr.WXRError, match="EntitiesForbidden.*Nothing was imported"):
        wxr.parse(io.BytesIO(payload))


def test_other_xml_is_not_taken_for_an_export():
    with pytest.raises(wxr.WXRError, match="root element is <feed>"):
        wxr.parse(io.BytesIO(b"<feed/>"))
    with pytest.raises(wxr.WXRError, match="no <wp:wxr_version>"):
        wxr.parse(io.BytesIO(b"<rss><channel><title>x</title></channel></rss>"))
    with pytest.raises(wxr.WXRError, match="WXR version 2.0 is not supported"):
        wxr.parse(
            io.BytesIO(
                b'<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel>'
                b"<wp:wxr_version>2.0</wp:wxr_version></channel></rss>"
            )
        )


@pytest.mark.django_db
@pytest.mark.parametrize("damage", ["truncated", "billion-laughs", "external-entity"])
def test_command_refuses_a_bad_file_and_writes_nothing(blog_index, tmp_path, damage):
    data = EXPORT.read_bytes()
    payload = {
        "truncated": data[: len(data) - 500],
        "billion-laughs": BILLION_LAUGHS,
        "external-entity": EXTERNAL_ENTITY,
    }[damage]
    bad = tmp_path / "export.xml"
    bad.write_bytes(payload)
    pages, authors, categories = Page.objects.count(), Author.objects.count(), Category.objects.count()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_wordpress", str(bad), "--no-media", verbosity=0)
    assert (Page.objects.count(), Author.objects.count(), Category.objects.count()) == (pages, authors, categories)
    assert Response.objects.count() == 0
