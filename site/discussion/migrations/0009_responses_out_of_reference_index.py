"""Responses are no longer in Wagtail's reference index (Response.wagtail_reference_index_ignore):
the rows earlier versions wrote for them go."""

from django.db import migrations


def forget_responses(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ReferenceIndex = apps.get_model("wagtailcore", "ReferenceIndex")
    response_type = ContentType.objects.filter(app_label="discussion", model="response").first()
    if response_type is not None:
        ReferenceIndex.objects.filter(base_content_type=response_type).delete()  # what a response referred to


class Migration(migrations.Migration):
    dependencies = [
        ("discussion", "0008_clean_linkback_excerpts"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0096_referenceindex_referenceindex_source_object_and_more"),
    ]

    operations = [migrations.RunPython(forget_responses, migrations.RunPython.noop)]
