"""The moderation queue, made for working through: status tabs with live counts, row actions that
act at once with an undo instead of a confirmation page, a reply from the queue, keyboard shortcuts
(`queue.js`), and a history view that shows the response's own events.

WordPress's comment screen is the bar: All / Pending / Approved / Spam / Trash with counts, and
Approve · Reply · Spam · Trash under each comment. The undo keeps the statuses a row or bulk action
replaced in the moderator's session, so one click puts them back, with a history entry of its own.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from wagtail.admin.ui.tables import BaseColumn, Column, DateColumn
from wagtail.snippets.views import snippets

from . import akismet, moderation
from .models import Response, ResponseEvent

Status = Response.Status
UNDO_KEY = "discussion_undo"
TABS = [Status.PENDING, Status.APPROVED, Status.SPAM, Status.TRASH]

# Row actions: the status each moves a response to, its label, what the message says, its shortcut.
ACTIONS = {
    "approve": (Status.APPROVED, "Approve", "approved", "a"),
    "unapprove": (Status.PENDING, "Unapprove", "moved back to pending", "u"),
    "spam": (Status.SPAM, "Spam", "marked as spam", "s"),
    "not-spam": (None, "Not spam", "restored", "n"),
    "trash": (Status.TRASH, "Trash", "moved to the trash", "d"),
    "restore": (Status.PENDING, "Restore", "restored from the trash", "r"),
}


def actions_for(response: Response) -> list[str]:
    """The row actions a response offers in its status, as in WordPress."""
    return {
        Status.PENDING: ["approve", "spam", "trash"],
        Status.APPROVED: ["unapprove", "spam", "trash"],
        Status.SPAM: ["not-spam", "trash"],
        Status.TRASH: ["restore", "spam"],
    }[response.status]


def target_status(response: Response, action: str) -> str:
    if action == "not-spam":
        return moderation.status_before_spam(response) if response.status == Status.SPAM else response.status
    return ACTIONS[action][0]


def done_message(action: str, count: int, *, reported: bool) -> str:
    message = f"{count} response{'s' if count != 1 else ''} {ACTIONS[action][2]}"
    if reported:
        message += " and reported to Akismet" if action == "spam" else " and reported to Akismet as not spam"
    return message + "."


def moderate(request: HttpRequest, responses: list[Response], action: str) -> tuple[int, bool]:
    """Apply a row or bulk action, remembering what it replaced for the undo; (changed, reported)."""
    before = {}
    reported = False
    for response in responses:
        old = response.status
        new = target_status(response, action)
        if moderation.set_status(
            response, new, actor=request.user, reason=f"Queue: {ACTIONS[action][1]}.", report=True
        ):
            before[str(response.pk)] = old
            reported |= bool(response.akismet_payload) and akismet.configured() and Status.SPAM in (old, new)
    if before:
        request.session[UNDO_KEY] = {"before": before, "action": action}
    return len(before), reported


def _back(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return reverse("wagtailsnippets_discussion_response:list") + "?status=pending"


def _require_moderator(request: HttpRequest) -> None:
    if not request.user.has_perm(moderation.MODERATE_PERMISSION):
        raise PermissionDenied("Only moderators may moderate responses.")


@require_POST
def row_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    _require_moderator(request)
    if action not in ACTIONS:
        messages.error(request, "That is not a moderation action.")
        return redirect(_back(request))
    response = get_object_or_404(Response, pk=pk)
    if action not in actions_for(response):
        messages.warning(
            request, f"{response.author_name}’s response is already {response.get_status_display().lower()}."
        )
        return redirect(_back(request))
    changed, reported = moderate(request, [response], action)
    messages.success(request, done_message(action, changed, reported=reported))
    return redirect(_back(request))


@require_POST
def undo(request: HttpRequest) -> HttpResponse:
    """Put back the statuses the last row or bulk action replaced."""
    _require_moderator(request)
    last = request.session.pop(UNDO_KEY, None)
    if not last:
        messages.warning(request, "There is nothing to undo.")
        return redirect(_back(request))
    restored = 0
    for response in Response.objects.filter(pk__in=last["before"]):
        restored += moderation.set_status(
            response, last["before"][str(response.pk)], actor=request.user, reason="Undo in the queue.", report=True
        )
    messages.success(request, f"Undone: {restored} response{'s' if restored != 1 else ''} put back.")
    return redirect(_back(request))


class ReplyForm(forms.Form):
    text = forms.CharField(label="Your reply", widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)


def reply(request: HttpRequest, pk: int) -> HttpResponse:
    """Answer a response from the queue, approving it if it was held."""
    _require_moderator(request)
    parent = get_object_or_404(Response.objects.select_related("page"), pk=pk)
    if parent.status not in (Status.PENDING, Status.APPROVED):
        messages.error(request, "Only an approved or pending response can be answered.")
        return redirect(_back(request))
    form = ReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        answer = moderation.reply_as_moderator(parent, request.user, form.cleaned_data["text"])
        messages.success(request, f"Your reply to {parent.author_name} is published.")
        if request.POST.get("next"):
            return redirect(_back(request))
        return redirect(f"{parent.page.url}#{answer.anchor}")
    return TemplateResponse(
        request,
        "discussion/admin/reply.html",
        {"parent": parent, "form": form, "next": _back(request), "page_title": f"Reply to {parent.author_name}"},
    )


class RowActionsColumn(BaseColumn):
    """Approve · Reply · Spam · Trash under each response, each a small form that acts at once."""

    cell_template_name = "discussion/admin/row_actions.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context.get("request")
        context["actions"] = [
            {"name": name, "label": ACTIONS[name][1], "key": ACTIONS[name][3]} for name in actions_for(instance)
        ]
        context["can_reply"] = instance.status in (Status.PENDING, Status.APPROVED)
        context["next"] = request.get_full_path() if request else ""
        context["csrf_token"] = get_token(request) if request else ""
        return context


class QueueIndexView(snippets.IndexView):
    """The listing with status tabs (Pending first) and the undo of the last action."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        counts = dict(Response.objects.values_list("status").annotate(n=Count("id")).order_by())
        current = self.request.GET.get("status", "")
        base = reverse("wagtailsnippets_discussion_response:list")
        context["status_tabs"] = [
            {"label": "All", "count": sum(counts.values()), "url": base, "current": not current},
            *(
                {
                    "label": status.label,
                    "count": counts.get(status.value, 0),
                    "url": f"{base}?status={status.value}",
                    "current": current == status.value,
                }
                for status in TABS
            ),
        ]
        context["status_tabs"].insert(0, context["status_tabs"].pop(1))  # Pending first
        last = self.request.session.get(UNDO_KEY)
        context["undo"] = last and {"count": len(last["before"]), "action": ACTIONS[last["action"]][2]}
        return context


def status_change(event: ResponseEvent) -> str:
    return f"{event.status_from or 'new'} → {event.status_to}" if event.status_to else ""


class HistoryView(snippets.HistoryView):
    """ "View history" shows the response's own events (checks, verdicts, changes, emails), the same
    as the History panel, instead of Wagtail's (empty) log of snippet edits."""

    filterset_class = None

    @cached_property
    def columns(self):
        return [
            Column("action", label="What"),
            Column(
                "change",
                label="Status",
                accessor=lambda e: f"{e.status_from or 'new'} → {e.status_to}" if e.status_to else "",
            ),
            Column("actor", label="Who", accessor=lambda e: str(e.actor) if e.actor else "system"),
            Column("note", label="Why"),
            DateColumn("at", label="When"),
        ]

    def get_base_queryset(self):
        return ResponseEvent.objects.filter(response=self.object).select_related("actor").order_by("-at", "-id")
