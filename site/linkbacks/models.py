"""What we told other sites (outgoing linkbacks) and what others asked us to verify (webmentions)."""

import uuid

from django.db import models
from django.utils import timezone


class OutgoingLinkback(models.Model):
    """One link in one of our pages, and what happened when we told its target about it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        LOCAL = "local", "Registered locally"
        NO_ENDPOINT = "no-endpoint", "No endpoint"
        RETRYING = "retrying", "Will retry"
        FAILED = "failed", "Failed"
        RECORDED = "recorded", "Recorded as sent (published quietly)"

    class Kind(models.TextChoices):
        WEBMENTION = "webmention", "Webmention"
        PINGBACK = "pingback", "Pingback"
        TRACKBACK = "trackback", "Trackback"
        LOCAL = "local", "Local page"
        NONE = "", "None"

    page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        on_delete=models.SET_NULL,
        related_name="outgoing_linkbacks",
        help_text="Empty once the page is deleted: the row stays so the target can be told, and we answer 410.",
    )
    source_url = models.URLField(max_length=2000, blank=True, help_text="Our page's address, as we sent it.")
    source_gone = models.BooleanField(
        default=False, help_text="The page was unpublished or deleted; webmention targets are told once more."
    )
    target_url = models.URLField(max_length=2000)
    content_hash = models.CharField(
        max_length=64, help_text="Fingerprint of the page's text when this link was last sent; a change sends again."
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, blank=True, default=Kind.NONE)
    endpoint = models.URLField(max_length=2000, blank=True)
    answer = models.TextField(blank=True, help_text="The endpoint's answer, or why nothing was sent.")
    still_linked = models.BooleanField(default=True, help_text="False once the link left the page (sent once more).")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "id"]
        constraints = [models.UniqueConstraint(fields=["page", "target_url"], name="unique_outgoing_linkback")]
        verbose_name = "outgoing linkback"

    def __str__(self) -> str:
        return f"{self.target_url} ({self.get_status_display()})"


class IncomingWebmention(models.Model):
    """A webmention we accepted for verification; its token is the public status URL."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued for verification"
        ACCEPTED = "accepted", "Verified and registered"
        UPDATED = "updated", "Verified; the existing response was updated"
        DELETED = "deleted", "The source is gone or no longer links; the response was removed"
        REJECTED = "rejected", "Rejected"

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.URLField(max_length=2000)
    target = models.URLField(max_length=2000)
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="incoming_webmentions")
    response = models.ForeignKey(
        "discussion.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="webmentions"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    message = models.TextField(blank=True)
    author_photo = models.URLField(max_length=2000, blank=True, help_text="From the source's h-card, when it has one.")
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Second looks taken: a source that answers 404 is checked once more before removal."
    )
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"{self.source} → {self.target} ({self.status})"
