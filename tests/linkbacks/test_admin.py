"""Admin: the links a page sent, reachable from the page's header, and the webmentions received."""

import pytest
from django.urls import reverse

from linkbacks.models import IncomingWebmention, OutgoingLinkback

pytestmark = pytest.mark.django_db


def test_sent_linkbacks_are_listed_and_linked_from_the_page_header(admin_client, post):
    OutgoingLinkback.objects.create(
        page=post,
        target_url="https://a.test/p",
        content_hash="x",
        status="sent",
        kind="webmention",
        answer="HTTP 202: Accepted",
    )
    listing = admin_client.get(reverse("outgoing_linkbacks:index") + f"?page={post.pk}")
    assert listing.status_code == 200
    assert "https://a.test/p" in listing.content.decode() and "HTTP 202: Accepted" in listing.content.decode()
    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[post.pk]))
    assert edit.status_code == 200
    assert "Linkbacks sent" in edit.content.decode()


def test_received_webmentions_are_listed(admin_client, post):
    IncomingWebmention.objects.create(
        source="https://alice.test/n", target=post.full_url, page=post, status="rejected", message="No link."
    )
    listing = admin_client.get(reverse("incoming_webmentions:index"))
    assert listing.status_code == 200 and "https://alice.test/n" in listing.content.decode()
