"""Responses to pages: reader comments and linkbacks (pingback, trackback, webmention) in one model."""

import hashlib
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from .settings_admin import AkismetKeyPanel, DiscussionSettingsForm

TRACKBACKS_MAX = 20


class DiscussionMixin(models.Model):
    """Opt a page type into the discussion: comment form, linkbacks, response feeds.

    Like Wagtail's FormMixin, the page type tells the discussion what it needs through methods it
    may override, so the discussion never guesses at its fields: ``accepts_linkbacks()``,
    ``discussion_published_at()``, ``discussion_closes_with_age``, ``discussion_recipients()`` and
    ``trackback_targets()``.
    Code outside asks ``takes_linkbacks(page)`` and ``has_discussion(page)``, never ``hasattr``.
    """

    accept_comments = models.BooleanField(default=True, help_text="Readers may comment on this page.")
    accept_linkbacks = models.BooleanField(default=True, help_text="Accept pingbacks, trackbacks and webmentions.")
    send_trackbacks_to = models.TextField(
        "send trackbacks to",
        blank=True,
        help_text="TrackBack URLs of pages you write about, separated by spaces or new lines (as in WordPress). "
        "Each is pinged once, when the page is published; links in the text get pingbacks and webmentions anyway.",
    )

    # WordPress closes old posts only (close_comments_for_post_types): a page type without a date opts out.
    discussion_closes_with_age = True

    discussion_panels = [
        MultiFieldPanel(
            [FieldPanel("accept_comments"), FieldPanel("accept_linkbacks"), FieldPanel("send_trackbacks_to")],
            heading="Discussion",
        )
    ]

    class Meta:
        abstract = True

    def accepts_linkbacks(self) -> bool:
        """Does this page take pingbacks, trackbacks and webmentions at all? Override to refuse them for
        a page type; whether they are open right now (the editor's switch, age) is ``linkbacks_open()``."""
        return True

    def discussion_published_at(self) -> datetime | None:
        """The publication date readers see (it may predate an import); the age that closes discussion."""
        return self.first_published_at

    def discussion_recipients(self) -> list[str]:
        """Who is emailed about new responses: the page owner; page types with authors override it."""
        owner = self.owner if self.owner_id else None
        return [owner.email] if owner is not None and owner.email else []

    def trackback_targets(self) -> list[str]:
        """The http(s) URLs in "Send trackbacks to", in order, once each (at most TRACKBACKS_MAX)."""
        urls = [url for url in self.send_trackbacks_to.split() if url.lower().startswith(("http://", "https://"))]
        return list(dict.fromkeys(urls))[:TRACKBACKS_MAX]

    def discussion_closes_at(self) -> datetime | None:
        """When comments and linkbacks close automatically (DISCUSSION_CLOSE_AFTER_DAYS), or None."""
        from . import options

        days = options.current().close_after_days
        published = self.discussion_published_at() if self.discussion_closes_with_age else None
        if not days or published is None:
            return None
        return published + timedelta(days=days)

    def comments_closed_reason(self) -> str:
        """Why readers cannot comment here, in words for them; empty when comments are open."""
        if not self.accept_comments:
            return "Comments are closed on this page."
        closes_at = self.discussion_closes_at()
        if closes_at is not None and timezone.now() >= closes_at:
            days = (closes_at - self.discussion_published_at()).days
            return f"Comments close {days} days after publication; this page is older than that."
        return ""

    def comments_open(self) -> bool:
        return not self.comments_closed_reason()

    def linkbacks_open(self) -> bool:
        closes_at = self.discussion_closes_at()
        return self.accepts_linkbacks() and self.accept_linkbacks and (closes_at is None or timezone.now() < closes_at)


def has_discussion(page) -> bool:
    """Is ``page`` (a specific page) one readers can respond to?"""
    return isinstance(page, DiscussionMixin)


def takes_linkbacks(page) -> bool:
    """The one check for "is this page a linkback target?" (open or closed; see ``linkbacks_open()``)."""
    return has_discussion(page) and page.accepts_linkbacks()


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
    # Deleting a response keeps its replies (moved up a level by signal_handlers.keep_replies), as WordPress does.
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="replies")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)

    author_name = models.CharField(max_length=200)
    author_email = models.EmailField(max_length=254, blank=True)
    author_url = models.URLField(max_length=500, blank=True)
    author_photo = models.URLField(
        max_length=2000, blank=True, help_text="The sender's own picture (a webmention's h-card); else the Gravatar."
    )
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

    notify_replies = models.BooleanField(default=False, help_text="Email the author when a reply is approved.")
    author_notified = models.BooleanField(default=False, editable=False)
    akismet_result = models.CharField(max_length=20, blank=True, editable=False)
    akismet_discard = models.BooleanField(
        "Akismet says discard", default=False, editable=False, help_text="Blatant spam by Akismet's pro tip."
    )
    akismet_payload = models.JSONField(
        default=dict, blank=True, editable=False, help_text="What was sent to Akismet, replayed on submit-spam/ham."
    )
    akismet_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    akismet_next_check_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="What makes a copy a duplicate (moderation.fingerprint); unique per page outside the trash.",
    )

    # A response's page is no reference an editor needs listed ("used by 200 comments"), and indexing
    # it would cost every comment POST a task and the worker a write.
    wagtail_reference_index_ignore = True

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["page", "status", "created_at"])]
        constraints = [
            # Two identical submissions racing each other cannot both land: the database refuses the second.
            models.UniqueConstraint(
                fields=["page", "fingerprint"],
                condition=models.Q(fingerprint__gt="") & ~models.Q(status="trash"),
                name="discussion_response_no_duplicates",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author_name} on “{self.page.title}”"

    def save(self, *args, **kwargs):
        """Whoever writes the row (form, linkbacks, importer, admin), content_html is sanitised HTML
        and names carry no bidi overrides or invisible characters."""
        from . import text

        update_fields = kwargs.get("update_fields")
        if self.is_linkback and (update_fields is None or "content" in update_fields):
            self.content = text.clean_excerpt(self.content)
        if update_fields is None or "content_html" in update_fields or "content" in update_fields:
            self.content_html = text.sanitise(self.content_html) if self.content_html else text.render(self.content)
        for name in ("author_name", "source_title"):
            if update_fields is None or name in update_fields:
                setattr(self, name, text.clean_line(getattr(self, name)))
        super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stored_status = instance.__dict__.get("status", cls.Status.APPROVED)  # deferred: assume shown
        return instance

    def affects_public_pages(self) -> bool:
        """Saving it changes what readers see (the page cache's rule): it is approved now, or was when loaded."""
        return self.Status.APPROVED in (self.status, getattr(self, "_stored_status", None))

    @property
    def is_linkback(self) -> bool:
        return self.kind != self.Kind.COMMENT

    @property
    def avatar_url(self) -> str:
        """Gravatar-compatible: a hash of the trimmed, lower-cased email, so the email never reaches a page.
        The page asks for it only when there is an email; linkbacks without one show their initial."""
        digest = hashlib.sha256(self.author_email.strip().lower().encode()).hexdigest()
        fallback = "identicon" if self.author_email else "mp"
        return f"https://www.gravatar.com/avatar/{digest}?s=64&d={fallback}"

    @property
    def author_initial(self) -> str:
        """Shown behind the avatar, so a picture that cannot load leaves a letter, not a broken frame."""
        return next((c.upper() for c in self.author_name if c.isalnum()), "?")

    @property
    def anchor(self) -> str:
        return f"response-{self.pk}"

    @property
    def imported_anchor(self) -> str:
        """The fragment old links use for an imported response: ``import_key`` ends with the id it had
        there (``…:150``), which WordPress links as ``#comment-150``; empty for responses made here."""
        found = re.fullmatch(r".+:(\d+)", self.import_key)
        return f"comment-{found[1]}" if found else ""


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


@register_setting(icon="comment")
class DiscussionSettings(BaseSiteSetting):
    """Settings → Discussion, like WordPress's discussion options: every switch left empty follows the
    environment (README), so a fresh site behaves as configured; `options.current()` reads them."""

    manual_moderation = models.BooleanField(
        "Comments must be manually approved", null=True, blank=True, help_text="Hold every response for a person."
    )
    previously_approved = models.BooleanField(
        "Comment author must have a previously approved comment", null=True, blank=True
    )
    hold_without_akismet = models.BooleanField(
        "Hold responses Akismet could not judge",
        null=True,
        blank=True,
        help_text="Off: without Akismet's verdict the rules below decide.",
    )
    close_after_days = models.PositiveIntegerField(
        "Close comments on pages older than (days)", null=True, blank=True, help_text="0 keeps them open."
    )
    thread_depth = models.PositiveSmallIntegerField(
        "Threaded comments, levels deep",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    links_to_hold = models.PositiveSmallIntegerField(
        "Hold a comment in the queue if it contains this many links or more", null=True, blank=True
    )
    flood_seconds = models.PositiveIntegerField(
        "Seconds between two responses from one address or email", null=True, blank=True, help_text="0 turns it off."
    )
    akismet_api_key = models.CharField(
        "Akismet API key", max_length=100, blank=True, help_text="Empty: the AKISMET_API_KEY environment value."
    )
    moderation_words = models.TextField(
        blank=True,
        help_text="One word, phrase or IP per line. A response containing one in its name, email, website, text, "
        "IP or browser is held for moderation.",
    )
    blocked_words = models.TextField(
        blank=True, help_text="Same matching; a response containing one goes straight to spam."
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("manual_moderation"), FieldPanel("previously_approved"), FieldPanel("hold_without_akismet")],
            heading="Before a comment appears",
        ),
        MultiFieldPanel(
            [FieldPanel("links_to_hold"), FieldPanel("flood_seconds"), FieldPanel("close_after_days")],
            heading="Limits",
        ),
        FieldPanel("thread_depth"),
        MultiFieldPanel([FieldPanel("akismet_api_key"), AkismetKeyPanel()], heading="Akismet"),
        FieldPanel("moderation_words"),
        FieldPanel("blocked_words"),
    ]
    base_form_class = DiscussionSettingsForm

    class Meta:
        verbose_name = "Discussion"

    @staticmethod
    def words(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]


class Notification(models.Model):
    """One email about a response, queued with it and sent by the worker, retried with back-off when the
    mail server refuses or hangs; one that keeps failing stays here, listed in the admin (Emails)."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        RETRYING = "retrying", "Waiting to retry"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    response = models.ForeignKey(
        Response, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    purpose = models.CharField(max_length=40, help_text="authors, moderators or reply")
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "email"

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"
