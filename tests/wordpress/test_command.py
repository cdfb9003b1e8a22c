"""``manage.py import_wordpress``: options, the summary table, and clear errors."""

import io

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, Site

from blog.models import Author, BlogIndexPage, BlogPage
from discussion.models import Response
from tests.builders import make_author
from tests.wordpress.test_wxr import WXR_10

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_export(tmp_path):
    path = tmp_path / "export.xml"
    path.write_bytes(WXR_10)
    return path


def run(*args) -> str:
    out = io.StringIO()
    call_command("import_wordpress", *map(str, args), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_imports_and_prints_the_summary_table(blog_index, small_export):
    output = run(small_export)
    assert "Imported from WordPress:" in output
    assert [line.split() for line in output.splitlines() if line.startswith(("posts", "comments"))] == [
        ["posts", "1", "0", "0", "0", "0"],
        ["comments", "1", "0", "0", "0", "0"],
    ]
    post = BlogPage.objects.get()
    assert (post.title, post.slug, post.live) == ("Hello & welcome", "hello", True)
    assert Response.objects.get().import_key == "wordpress:http://old.example:7"


def test_second_run_reports_everything_unchanged(blog_index, small_export):
    run(small_export)
    output = run(small_export)
    assert [line.split() for line in output.splitlines() if line.startswith("posts")] == [
        ["posts", "0", "0", "1", "0", "0"]
    ]


def test_dry_run_says_so_and_writes_nothing(blog_index, small_export):
    output = run(small_export, "--dry-run")
    assert output.startswith("Would import") and "Dry run: nothing was written." in output
    assert not BlogPage.objects.exists() and not Author.objects.exists()


def test_authors_from_pairs_and_from_a_file(blog_index, small_export, tmp_path):
    grace = make_author("Grace Hopper")
    run(small_export, "--authors", "admin=grace-hopper")
    assert list(BlogPage.objects.get().authors.all()) == [grace]
    mapping = tmp_path / "authors.txt"
    mapping.write_text("# WordPress login = Backchannel author\nadmin = Someone New\n")
    run(small_export, "--authors", mapping)
    assert [a.name for a in BlogPage.objects.get().authors.all()] == ["Someone New"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--authors", "admin"], "--authors expects login=Name"),
        (["--into", "nowhere"], "No blog index with id or slug 'nowhere'"),
    ],
)
def test_bad_options_are_refused_clearly(blog_index, small_export, args, message):
    with pytest.raises(CommandError, match=message):
        run(small_export, *args)


def test_a_fresh_site_gets_a_blog_index_at_its_root_named_after_the_blog(db, client, tmp_path):
    """Just ``migrate``: Wagtail's placeholder home is replaced, and the old permalinks work at once."""
    path = tmp_path / "export.xml"
    path.write_bytes(
        WXR_10.replace(
            b"<title>Old blog</title>", b"<title>Old blog</title><description>Notes &amp; more</description>"
        )
    )
    assert not BlogIndexPage.objects.exists()
    output = run(path)
    index = BlogIndexPage.objects.get()
    site = Site.objects.get(is_default_site=True)
    assert site.root_page.specific == index and site.site_name == "Old blog"
    assert (index.title, index.search_description, index.intro) == (
        "Old blog",
        "Notes & more",
        "<p>Notes &amp; more</p>",
    )
    assert not Page.objects.filter(depth=2).exclude(pk=index.pk).exists()
    assert "created “Old blog” at the site root" in output
    post = BlogPage.objects.get()
    assert post.get_parent().pk == index.pk
    for old in ("/2008/01/hello/", "/?p=1"):
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, post.url), old
    assert client.get(post.url).status_code == 200
    run(path)  # a second run imports into the index it made
    assert BlogIndexPage.objects.count() == 1 and BlogPage.objects.count() == 1


def test_a_dry_run_on_a_fresh_site_makes_no_blog_index(db, small_export):
    output = run(small_export, "--dry-run")
    assert "created “Old blog” at the site root" in output
    assert not BlogIndexPage.objects.exists() and not BlogPage.objects.exists()
    assert Site.objects.get(is_default_site=True).root_page.specific_class is Page


def test_missing_file(blog_index, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(tmp_path / "nope.xml")


def test_into_by_slug(blog_index, small_export):
    run(small_export, "--into", blog_index.slug, "--no-media")
    assert BlogPage.objects.get().get_parent().pk == blog_index.pk


def test_users_option_creates_passwordless_users_once(blog_index, small_export, django_user_model):
    output = run(small_export, "--users")
    user = django_user_model.objects.get(username="admin")
    assert not user.has_usable_password()
    assert [line.split() for line in output.splitlines() if line.startswith("users")] == [
        ["users", "1", "0", "0", "0", "0"]
    ]
    run(small_export, "--users")
    assert django_user_model.objects.filter(username="admin").count() == 1


def test_progress_bar_runs_on_stderr(blog_index, small_export, capsys):
    call_command("import_wordpress", str(small_export), stdout=io.StringIO())
    assert "Posts: 100%" in capsys.readouterr().err
