"""Admin pieces for the moderation queue: the edit form, the history panel and the bulk actions."""

from django.core.exceptions import PermissionDenied
from django.utils.text import Truncator
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, Panel
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from . import moderation
from .models import Response

Status = Response.Status


def permalink(response: Response) -> str:
    return f"{response.page.url}#{response.anchor}" if response.page.url else ""


def excerpt(response: Response) -> str:
    return Truncator(response.content).chars(90)


class ResponseForm(WagtailAdminModelForm):
    """Saving through moderation.set_status, so an admin edit is recorded and reported like a bulk action."""

    def save(self, commit=True):
        new_status = self.instance.status
        old_status = self.initial.get("status", new_status)
        if "content" in self.changed_data:
            self.instance.content_html = ""  # re-rendered from the edited text on save
        self.instance.status = old_status
        instance = super().save(commit=commit)
        if commit:
            edited = [name for name in self.changed_data if name != "status"]
            if edited:
                moderation.record(instance, "edited", "Changed: " + ", ".join(edited), actor=self.for_user)
            if new_status != old_status:
                moderation.set_status(
                    instance, new_status, actor=self.for_user, reason="Edited in the admin.", report=True
                )
        return instance


class ResponseHistoryPanel(Panel):
    """Every check, verdict and status change, with who and when; and where the response lives."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "discussion/admin/history_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            response = self.instance
            context["events"] = response.history.select_related("actor") if response.pk else []
            context["permalink"] = permalink(response) if response.pk else ""
            context["response"] = response
            return context


edit_handler = ObjectList(
    [
        FieldPanel("status"),
        MultiFieldPanel(
            [
                FieldPanel("author_name"),
                FieldPanel("author_email"),
                FieldPanel("author_url"),
                FieldPanel("author_photo"),
            ],
            heading="Author",
        ),
        FieldPanel("content"),
        MultiFieldPanel([FieldPanel("source_url"), FieldPanel("source_title")], heading="Linkback source"),
        FieldPanel("notify_replies"),
        ResponseHistoryPanel(heading="History"),
    ],
    base_form_class=ResponseForm,
)


class ModeratorsOnly:
    """For admin views Wagtail opens to any admin user (choosers, bulk actions, which name the objects
    they are given): responses, spam and pending included, are for moderators only."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(moderation.MODERATE_PERMISSION):
            raise PermissionDenied("Only moderators may see responses.")
        return super().dispatch(request, *args, **kwargs)


class DeleteResponsesBulkAction(ModeratorsOnly, DeleteBulkAction):
    models = [Response]


class ModerateBulkAction(ModeratorsOnly, SnippetBulkAction):
    """Base for approve / spam / not spam / trash on selected responses; the queue's own moderate(),
    so the message is honest about Akismet and the action can be undone."""

    models = [Response]
    template_name = "discussion/admin/confirm_bulk_moderate.html"

    def check_perm(self, obj):
        return self.request.user.has_perm(moderation.MODERATE_PERMISSION)

    @classmethod
    def execute_action(cls, objects, request=None, **kwargs):
        from . import queue

        changed, reported = queue.moderate(request, list(objects), cls.action_type)
        request.discussion_reported = reported
        return changed, 0

    def get_execution_context(self):
        return {**super().get_execution_context(), "request": self.request}

    def get_success_message(self, num_parent_objects, num_child_objects):
        from . import queue

        reported = getattr(self.request, "discussion_reported", False)
        return queue.done_message(self.action_type, num_parent_objects, reported=reported)


class ApproveBulkAction(ModerateBulkAction):
    display_name = "Approve"
    action_type = "approve"
    aria_label = "Approve selected responses"
    action_priority = 10


class SpamBulkAction(ModerateBulkAction):
    display_name = "Spam"
    action_type = "spam"
    aria_label = "Mark selected responses as spam"
    action_priority = 11


class NotSpamBulkAction(ModerateBulkAction):
    display_name = "Not spam"
    action_type = "not-spam"
    aria_label = "Mark selected responses as not spam"
    action_priority = 12


class TrashBulkAction(ModerateBulkAction):
    display_name = "Trash"
    action_type = "trash"
    aria_label = "Move selected responses to the trash"
    action_priority = 13
