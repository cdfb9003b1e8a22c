from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from discussion.models import Response
from tests.discussion.conftest import make_response

pytestmark = pytest.mark.django_db


def test_old_spam_and_trash_are_purged_and_old_payloads_forgotten(post):
    payload = {"user_ip": "203.0.113.1"}
    old = timezone.now() - timedelta(days=31)
    old_spam = make_response(post, status="spam", akismet_payload=payload)
    new_spam = make_response(post, status="spam", akismet_payload=payload)
    old_trash = make_response(post, status="trash")
    old_ham = make_response(post, status="approved", akismet_payload=payload)
    old_pending = make_response(post, status="pending", akismet_payload=payload)
    Response.objects.filter(pk__in=[old_spam.pk, old_trash.pk, old_ham.pk, old_pending.pk]).update(
        updated_at=old, created_at=old
    )
    call_command("purge_responses")
    assert set(Response.objects.values_list("pk", flat=True)) == {new_spam.pk, old_ham.pk, old_pending.pk}
    assert Response.objects.get(pk=old_ham.pk).akismet_payload == {}
    assert Response.objects.get(pk=old_pending.pk).akismet_payload == payload
    assert Response.objects.get(pk=new_spam.pk).akismet_payload == payload


def test_deleting_a_response_keeps_its_replies_one_level_up(post):
    """WordPress moves the children of a deleted comment up a level; other people's words stay."""
    root = make_response(post, content="root")
    middle = make_response(post, parent=root, content="middle")
    reply = make_response(post, parent=middle, content="reply")
    sibling = make_response(post, parent=middle, content="sibling")
    middle.delete()
    assert {r.pk: r.parent_id for r in Response.objects.all()} == {
        root.pk: None,
        reply.pk: root.pk,
        sibling.pk: root.pk,
    }


def test_bulk_delete_of_a_parent_and_its_child_keeps_the_grandchild(post):
    root = make_response(post, content="root")
    child = make_response(post, parent=root, content="child")
    grandchild = make_response(post, parent=child, content="grandchild")
    Response.objects.filter(pk__in=[child.pk, root.pk]).delete()
    assert list(Response.objects.values_list("pk", "parent_id")) == [(grandchild.pk, None)]


def test_purging_old_trash_keeps_approved_replies(client, post):
    trashed = make_response(post, status="trash", content="regretted")
    reply = make_response(post, parent=trashed, content="a good answer")
    Response.objects.filter(pk=trashed.pk).update(updated_at=timezone.now() - timedelta(days=31))
    call_command("purge_responses")
    reply.refresh_from_db()
    assert reply.parent_id is None and not Response.objects.filter(pk=trashed.pk).exists()
    assert "a good answer" in client.get(post.url).content.decode()


def test_admin_bulk_delete_keeps_replies(admin_client, post):
    from django.urls import reverse

    parent = make_response(post, content="rude")
    reply = make_response(post, parent=parent, content="polite")
    url = reverse("wagtail_bulk_action", args=["discussion", "response", "delete"]) + f"?id={parent.pk}&next=/admin/"
    assert admin_client.post(url).status_code == 302
    assert list(Response.objects.values_list("pk", flat=True)) == [reply.pk]


def test_deleting_the_page_deletes_its_responses(post):
    root = make_response(post)
    make_response(post, parent=make_response(post, parent=root))
    post.delete()
    assert not Response.objects.exists()
