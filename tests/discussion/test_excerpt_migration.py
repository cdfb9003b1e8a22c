"""The migration that cleans stored linkback excerpts, run against rows an earlier version wrote."""

import importlib

import pytest
from django.apps import apps

from discussion import text
from discussion.models import Response

pytestmark = pytest.mark.django_db
migration = importlib.import_module("discussion.migrations.0008_clean_linkback_excerpts")


def test_existing_linkback_excerpts_are_cleaned_and_comments_left_alone(post):
    dirty = "[…] startup accel…/strong> Latest news […]"
    ping = Response.objects.create(page=post, kind="pingback", author_name="Journal", content="x", status="approved")
    note = Response.objects.create(page=post, author_name="Reader", content="I typed /strong> here", status="approved")
    # As an earlier version stored them, before save() cleaned linkback excerpts.
    Response.objects.filter(pk=ping.pk).update(content=dirty, content_html=text.render(dirty))

    migration.clean_excerpts(apps, None)

    ping.refresh_from_db()
    note.refresh_from_db()
    assert ping.content == "[…] startup accel… Latest news […]"
    assert "/strong" not in ping.content_html
    assert note.content == "I typed /strong> here"
