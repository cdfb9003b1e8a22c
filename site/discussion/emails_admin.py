"""Emails in the admin: "Send again" for a failed email, on its row and as a bulk action.

A mail server that refused for two hours is usually back by the time a moderator looks; sending
again puts the email back in the queue with a fresh set of tries (`notifications.send_again`),
sent by the worker like any other. Only moderators may, as only they may see the emails.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import BaseColumn
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from . import moderation, notifications
from .models import Notification

LISTING = "wagtailsnippets_discussion_notification:list"


def done_message(requeued: int, asked: int) -> str:
    emails = f"{requeued} email{'s' if requeued != 1 else ''}"
    message = f"{emails} queued to be sent again."
    if requeued < asked:
        message += f" {asked - requeued} had not failed and were left as they were."
    return message


def _require_moderator(request: HttpRequest) -> None:
    if not request.user.has_perm(moderation.MODERATE_PERMISSION):
        raise PermissionDenied("Only moderators may send emails again.")


def _back(request: HttpRequest) -> str:
    url = request.POST.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return reverse(LISTING)


@require_POST
def send_again(request: HttpRequest, pk: int) -> HttpResponse:
    _require_moderator(request)
    requeued = notifications.send_again([pk])
    if requeued:
        messages.success(request, done_message(requeued, 1))
    else:
        messages.warning(request, "That email has not failed (or is gone); nothing was sent again.")
    return redirect(_back(request))


class SendAgainColumn(BaseColumn):
    """A "Send again" button on each failed email's row."""

    cell_template_name = "discussion/admin/send_again.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["failed"] = instance.status == Notification.Status.FAILED
        context["next"] = request.get_full_path() if request else ""
        context["csrf_token"] = get_token(request) if request else ""
        return context


class SendAgainBulkAction(SnippetBulkAction):
    display_name = "Send again"
    action_type = "send-again"
    aria_label = "Send the selected failed emails again"
    template_name = "discussion/admin/confirm_send_again.html"
    action_priority = 10
    models = [Notification]

    def check_perm(self, obj):
        return self.request.user.has_perm(moderation.MODERATE_PERMISSION)

    def dispatch(self, request, *args, **kwargs):
        _require_moderator(request)
        return super().dispatch(request, *args, **kwargs)

    @classmethod
    def execute_action(cls, objects, **kwargs):
        return notifications.send_again([notification.pk for notification in objects]), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return done_message(num_parent_objects, len(self.actionable_objects))
