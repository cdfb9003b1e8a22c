"""Responses to pages: reader comments and linkbacks (pingback, trackback, webmention) in one model."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel


class DiscussionMixin(models.Model):
    """Opt a page type into the discussion: comment form, linkbacks, response feeds."""

    accept_comments = models.BooleanField(default=True, help_text="Readers may comment on this page.")
    accept_linkbacks = models.BooleanField(default=True, help_text="Accept pingbacks, trackbacks and webmentions.")

    discussion_panels = [
        MultiFieldPanel([FieldPanel("accept_comments"), FieldPanel("accept_linkbacks")], heading="Discussion")
    ]

    class Meta:
        abstract = True


class Response(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", "Comment"
        PINGBACK = "pingback", "Pingback"
        TRACKBACK = "trackback", "Trackback"
        WEBMENTION = "webmention", "Webmention"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="responses")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)

    author_name = models.CharField(max_length=200)
    author_email = models.EmailField(max_length=254, blank=True)
    author_url = models.URLField(max_length=500, blank=True)
    content = models.TextField(help_text="What the reader wrote, or the excerpt around a linkback's link.")
    content_html = models.TextField(blank=True, editable=False, help_text="Sanitised HTML shown on the page.")

    source_url = models.URLField(max_length=2000, blank=True, help_text="The linking page, for linkbacks.")
    source_title = models.CharField(max_length=300, blank=True)

    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    referrer = models.TextField(blank=True)

    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    import_key = models.CharField(
        max_length=200, blank=True, db_index=True, help_text="Identity in the system it was imported from."
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["page", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author_name} on {self.page_id}"

    @property
    def is_linkback(self) -> bool:
        return self.kind != self.Kind.COMMENT


class ResponseEvent(models.Model):
    """One entry in a response's history: a check, a verdict or a change of status."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=40)
    status_from = models.CharField(max_length=20, blank=True)
    status_to = models.CharField(max_length=20, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} at {self.at:%Y-%m-%d %H:%M}"
