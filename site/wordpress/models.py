"""What the WordPress import remembers: which object each WordPress object became, and page types for pages."""

from django.contrib.contenttypes.models import ContentType
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from blog.blocks import BodyBlock
from discussion.models import DiscussionMixin
from pagecache.restrictions import CheapViewRestrictions


class ImportedObject(models.Model):
    """A WordPress author, term, post, page or attachment and the Backchannel object it became.

    Keyed by the WordPress site and id, so a second import of the same export (or a newer one)
    updates in place; ``fingerprint`` is a hash of what was written, so an unchanged item is
    left alone, with any edits made since in Wagtail.
    """

    class Kind(models.TextChoices):
        AUTHOR = "author", "Author"
        CATEGORY = "category", "Category"
        TAG = "tag", "Tag"
        POST = "post", "Post"
        PAGE = "page", "Page"
        ATTACHMENT = "attachment", "Attachment"

    source = models.CharField(max_length=200, help_text="The WordPress site's address.")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    wp_id = models.CharField("WordPress id", max_length=200, help_text="Post or term id, or the author's login.")
    guid = models.CharField(max_length=500, blank=True, db_index=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    fingerprint = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "kind", "wp_id"], name="wordpress_unique_object")]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        return f"WordPress {self.kind} {self.wp_id} from {self.source}"

    @property
    def target(self):
        """The object, or None when it has been deleted since the import."""
        model = self.content_type.model_class()
        return model.objects.filter(pk=self.object_id).first() if model else None


class StandardPage(CheapViewRestrictions, DiscussionMixin, Page):
    """A WordPress page (About, Contact): content in the page tree, without a date, authors or terms."""

    search_kind = "Page"

    # As in WordPress, only posts close with age; an About page stays open until its editor says otherwise.
    discussion_closes_with_age = False

    body = StreamField(BodyBlock(), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    settings_panels = Page.settings_panels + DiscussionMixin.discussion_panels
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["blog.BlogIndexPage", "wordpress.StandardPage"]
    subpage_types = ["wordpress.StandardPage"]

    class Meta:
        verbose_name = "standard page"
