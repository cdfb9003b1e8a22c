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
