"""A well-formed but hostile export: nothing it says can script the site, loop a thread or crash the import."""

import io

import pytest

from discussion.models import Response
from wordpress import wxr
from wordpress.importer import import_wordpress
from wordpress.models import ImportedObject

pytestmark = pytest.mark.django_db


def comment(comment_id, parent="0", **fields):
    values = {
        "comment_author": "Mallory",
        "comment_author_email": "not-an-email",
        "comment_author_IP": "not-an-ip",
        "comment_author_url": "javascript:alert(1)",
        "comment_date_gmt": "2020-01-01 00:00:00",
        "comment_content": '<img src=x onerror="alert(1)"><a href="javascript:alert(2)">hi</a>',
        "comment_approved": "1",
        "comment_parent": parent,
    } | fields
    inner = "".join(f"<wp:{key}><![CDATA[{value}]]></wp:{key}>" for key, value in values.items())
    return f"<wp:comment><wp:comment_id>{comment_id}</wp:comment_id>{inner}</wp:comment>"


def post(post_id, slug, comments="", title="Evil", body="<p>Hi</p>", post_type="post"):
    return f"""<item><title><![CDATA[{title}]]></title><link>http://evil.example/{slug}/</link>
<dc:creator>mallory</dc:creator><guid>http://evil.example/?p={post_id}</guid>
<content:encoded><![CDATA[{body}]]></content:encoded><wp:post_id>{post_id}</wp:post_id>
<wp:post_date_gmt>2020-01-01 00:00:00</wp:post_date_gmt><wp:post_name>{slug}</wp:post_name>
<wp:status>publish</wp:status><wp:post_type>{post_type}</wp:post_type>{comments}</item>"""


HOSTILE = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Evil</title><link>http://evil.example</link>
<wp:wxr_version>1.2</wp:wxr_version>
{
    post(
        "1",
        "..%2F..%2Fetc%2Fpasswd",
        comment("10", "11") + comment("11", "10") + comment("12", "12") + comment("13"),
        title="T" * 1000,
        body='<script>alert(1)</script><p onclick="x()"><a href="javascript:alert(3)">link</a></p>'
        '<iframe src="http://evil.example/"></iframe>',
    )
}
{post("2", "second", comment("13"))}
{post("abc", "not-a-number")}
{post("", "no-id")}
{post("2", "same-id-again")}
<item><title>file</title><wp:post_id>5</wp:post_id><wp:post_type>attachment</wp:post_type>
<wp:attachment_url>file:///etc/passwd</wp:attachment_url><wp:post_parent>1</wp:post_parent></item>
</channel></rss>""".encode()


def test_hostile_export_imports_safely(blog_index, client):
    summary = import_wordpress(wxr.parse(io.BytesIO(HOSTILE)), into=blog_index)
    table = summary.table()
    assert summary.count("posts", "created") == 3 and summary.count("posts", "skipped") == 2
    assert "posts skipped ×2: post id missing or used twice" in table
    assert "attachment 5 (file:///etc/passwd): no http(s) address for the file" in table
    assert "comments skipped ×1: comment id missing or used twice in the export" in table

    first = ImportedObject.objects.get(kind="post", wp_id="1").target
    assert first.slug == "etcpasswd" and len(first.title) == 255
    loop = {r.import_key.rsplit(":", 1)[1]: r for r in Response.objects.filter(page=first)}
    assert loop["10"].parent_id is None and loop["11"].parent_id is None and loop["12"].parent_id is None
    assert "comment 10 is in a reply loop" in table
    for response in loop.values():
        assert response.author_email == "" and response.ip_address is None and response.author_url == ""
        assert "javascript" not in response.content_html and "onerror" not in response.content_html

    html = client.get(first.url).content.decode()
    assert client.get(first.url).status_code == 200
    assert "alert(" not in html and "javascript:" not in html and "<iframe" not in html


def test_every_slug_is_made_with_slugify_whatever_the_export_says(blog_index, client):
    items = post("7 x!", "", title="") + post("8", "Hello%20World%21", title="") + post("9", "", title="¡¿?!")
    start, end = HOSTILE.index(b"<item>"), HOSTILE.index(b"</channel>")
    import_wordpress(wxr.parse(io.BytesIO(HOSTILE[:start] + items.encode() + HOSTILE[end:])), into=blog_index)
    pages = {m.wp_id: m.target for m in ImportedObject.objects.filter(kind="post")}
    assert {wp_id: page.slug for wp_id, page in pages.items()} == {
        "7 x!": "post-7-x",
        "8": "hello-world",
        "9": "post-9",
    }
    for page in pages.values():
        assert client.get(page.url).status_code == 200
