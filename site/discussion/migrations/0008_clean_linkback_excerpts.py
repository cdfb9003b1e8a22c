"""Stored linkback excerpts lose the stray markup earlier versions kept ("accel…/strong>")."""

from django.db import migrations


def clean_excerpts(apps, schema_editor):
    from discussion import text

    Response = apps.get_model("discussion", "Response")
    linkbacks = Response.objects.exclude(kind="comment").only("id", "content", "content_html")
    for response in linkbacks.iterator(chunk_size=500):
        cleaned = text.clean_excerpt(response.content)
        if cleaned == response.content:
            continue
        derived = response.content_html == text.render(response.content)
        response.content = cleaned
        fields = ["content"]
        if derived or not response.content_html:
            response.content_html = text.render(cleaned)
            fields.append("content_html")
        response.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [("discussion", "0007_discussion_settings_switches")]

    operations = [migrations.RunPython(clean_excerpts, migrations.RunPython.noop)]
