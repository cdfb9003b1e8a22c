"""Posts get a stable feed guid; the ones already published keep the one feed readers have seen."""

from django.db import migrations, models


def root_url(site) -> str:
    """``Site.root_url``, which historical models do not have."""
    if site.port == 80:
        return f"http://{site.hostname}"
    if site.port == 443:
        return f"https://{site.hostname}"
    return f"http://{site.hostname}:{site.port}"


def keep_published_guids(apps, schema_editor):
    """Until now a post's guid was ``<blog index URL>?p=<pk>``; a published post keeps it, so no reader sees it twice."""
    BlogPage = apps.get_model("blog", "BlogPage")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    roots = [(site, Page.objects.get(pk=site.root_page_id)) for site in Site.objects.all()]
    for post in BlogPage.objects.filter(live=True, guid=""):
        index = Page.objects.filter(path=post.path[:-4]).first()  # Wagtail's tree step is 4 characters
        under = [(site, root) for site, root in roots if index is not None and index.path.startswith(root.path)]
        if not under:
            continue
        site, root = max(under, key=lambda pair: len(pair[1].path))
        url = root_url(site) + index.url_path[len(root.url_path) - 1 :]
        BlogPage.objects.filter(pk=post.pk).update(guid=f"{url}?p={post.pk}")


class Migration(migrations.Migration):
    dependencies = [
        ("blog", "0002_blogpage_accept_comments_blogpage_accept_linkbacks"),
    ]

    operations = [
        migrations.AddField(
            model_name="blogpage",
            name="guid",
            field=models.CharField(
                blank=True,
                editable=False,
                help_text="The post's id in feeds, never changed so readers never see it twice: WordPress's guid "
                "for an imported post, else a tag: URI given at first publish.",
                max_length=500,
                verbose_name="feed guid",
            ),
        ),
        migrations.RunPython(keep_published_guids, migrations.RunPython.noop),
    ]
