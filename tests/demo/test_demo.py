import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from blog.models import BlogPage
from discussion.models import Response

SEED = Path(__file__).parents[1] / "fixtures" / "mayo-clinic-post.txt"


def seed_paragraphs() -> list[str]:
    text = SEED.read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    end = next(i for i, p in enumerate(paragraphs) if re.match(r"\d+ responses to", p))
    return paragraphs[1:end]


@pytest.mark.django_db
def test_demo_loads_the_seed_post_with_its_whole_text(client, capsys):
    call_command("load_demo")
    post = BlogPage.objects.get(title="Mayo Clinic sets a high bar with social media")
    html = client.get(post.url).content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    for paragraph in seed_paragraphs():
        assert paragraph in html, paragraph[:60]
    assert BlogPage.objects.live().count() >= 5
    assert "5 post(s) and 2 response(s) created" in capsys.readouterr().out


@pytest.mark.django_db
def test_demo_seed_post_shows_the_seed_comment_and_pingback(client):
    call_command("load_demo")
    post = BlogPage.objects.get(title="Mayo Clinic sets a high bar with social media")
    html = client.get(post.url).content.decode()
    assert "2 responses to “Mayo Clinic sets a high bar with social media”" in html
    assert "Mezzo" in html
    assert "Clearly, Mayo is a trendsetter in the medical field" in html
    assert "[…] The Mayo Clinic Mayo Clinic Latest from The Business Journals" in html
    assert "Follow this company . […]" in html


@pytest.mark.django_db
def test_demo_podcast_is_linked_from_every_page(client):
    call_command("load_demo")
    html = client.get("/").content.decode()
    assert '<a href="/podcast/">Podcast</a>' in html
    assert client.get("/podcast/").status_code == 200


@pytest.mark.django_db
def test_demo_loading_is_idempotent(client):
    call_command("load_demo")
    first = sorted(BlogPage.objects.values_list("title", flat=True))
    responses = Response.objects.count()
    call_command("load_demo")
    assert sorted(BlogPage.objects.values_list("title", flat=True)) == first
    assert Response.objects.count() == responses == 2
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_admin_password_is_generated_and_printed_once(capsys):
    call_command("ensure_admin")
    first = capsys.readouterr().out
    password = re.search(r"password: (\S+)", first).group(1)
    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password(password)
    call_command("ensure_admin")
    second = capsys.readouterr().out
    assert password not in second
    assert "already exists" in second
    assert get_user_model().objects.count() == 1


ARCHIVE_LINK = re.compile(r'href="(/(?:[^"]*/)?(?:category|tag|author)/[^"]+)"')


@pytest.mark.django_db
def test_every_category_tag_and_author_link_on_every_demo_page_answers_200(client):
    call_command("load_demo")
    pages = ["/"] + [page.url for page in BlogPage.objects.live()]
    links = {link for url in pages for link in ARCHIVE_LINK.findall(client.get(url).content.decode())}
    assert any("/category/" in link for link in links) and any("/tag/" in link for link in links)
    broken = {link: client.get(link).status_code for link in links if client.get(link).status_code != 200}
    assert broken == {}


@pytest.mark.django_db
def test_demo_repairs_a_category_slug_saved_with_a_space():
    from blog.models import Category

    Category.objects.create(name="Social media", slug="social media")
    call_command("load_demo")
    assert Category.objects.get(name="Social media").slug == "social-media"


@pytest.mark.django_db
def test_demo_loading_tells_no_linked_site_and_emails_nobody(
    mailoutbox, settings, web, django_capture_on_commit_callbacks
):
    from linkbacks.models import OutgoingLinkback

    settings.SAFEFETCH_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.PODCAST_WEBSUB_HUBS = [web.page("/hub/", "", status=204)]
    with django_capture_on_commit_callbacks(execute=True):  # as if committed: every on-commit callback runs
        call_command("load_demo")
    statuses = set(OutgoingLinkback.objects.values_list("status", flat=True))
    assert statuses == {OutgoingLinkback.Status.RECORDED}, "the seed post links out; its links are recorded, not sent"
    assert not OutgoingLinkback.objects.filter(sent_at__isnull=False).exists()
    assert mailoutbox == [] and web.hits == []


@pytest.mark.django_db
def test_seed_pingback_is_compact_and_clean(client):
    call_command("load_demo")
    post = BlogPage.objects.get(title="Mayo Clinic sets a high bar with social media")
    html = client.get(post.url).content.decode()
    pingback = html.split('class="response response-pingback')[1].split("</li>")[0]
    assert '<p class="linkback-title">The Business Journals</p>' in pingback
    assert "/strong&gt;" not in pingback and "/strong>" not in pingback
    assert '<details class="linkback-full"><summary>The whole excerpt</summary>' in pingback
    assert "Follow this company . […]" in pingback
