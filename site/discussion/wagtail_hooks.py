"""The moderation queue in the Wagtail admin: a snippet viewset with status tabs, filters, search,
row and bulk actions (queue.py), and a pending count on its menu item, which opens the pending tab;
and Emails, the notifications queued, sent and failed."""

from django.contrib.auth import get_user_model
from django.urls import path
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.sidebar import LinkMenuItem
from wagtail.admin.ui.tables import Column, DateColumn, TitleColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views import chooser
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet

from . import admin, emails_admin, moderation, queue
from .models import Notification, Response


class PendingCountMenuItem(MenuItem):
    """ "Responses (3)": moderators see at a glance that something waits for them."""

    def is_shown(self, request):
        return request.user.has_perm(moderation.MODERATE_PERMISSION)

    def render_component(self, request):
        pending = Response.objects.filter(status=Response.Status.PENDING).count()
        label = f"{self.label} ({pending})" if pending else self.label
        attrs = {**self.attrs, "data-pending-count": str(pending)}
        url = f"{self.url}?status=pending"
        return LinkMenuItem(self.name, label, url, icon_name=self.icon_name, classname=self.classname, attrs=attrs)


class ResponsePermissionPolicy(ModelPermissionPolicy):
    """Responses arrive through the site, linkbacks or an import; in the admin they are moderated, not
    written. Every view of them (the queue, spam and pending included) needs the moderation permission
    on top of its own: "view" or "delete" alone shows nothing."""

    def user_has_permission(self, user, action):
        return (
            action != "add"
            and user.has_perm(moderation.MODERATE_PERMISSION)
            and super().user_has_permission(user, action)
        )

    def users_with_any_permission(self, actions):
        moderators = super().users_with_permission("change")
        allowed = super().users_with_any_permission([action for action in actions if action != "add"])
        return allowed.filter(pk__in=moderators.values("pk"))


class ChooseView(admin.ModeratorsOnly, chooser.ChooseView):
    pass


class ChooseResultsView(admin.ModeratorsOnly, chooser.ChooseResultsView):
    pass


class ChosenView(admin.ModeratorsOnly, chooser.SnippetChosenView):
    pass


class ChosenMultipleView(admin.ModeratorsOnly, chooser.SnippetChosenMultipleView):
    pass


class CreateView(admin.ModeratorsOnly, chooser.SnippetCreateView):
    pass


class ResponseChooserViewSet(SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = CreateView


register_permission_policy(Response, ResponsePermissionPolicy(Response))


class ResponseViewSet(SnippetViewSet):
    model = Response
    chooser_viewset_class = ResponseChooserViewSet
    icon = "comment"
    menu_label = "Responses"
    menu_name = "responses"
    menu_order = 250
    add_to_admin_menu = True
    menu_item_class = PendingCountMenuItem
    list_filter = ["status", "kind", "page"]
    search_fields = ["author_name", "author_email", "author_url", "content", "source_url", "ip_address"]
    search_backend_name = None
    list_per_page = 50
    ordering = ["-created_at", "-id"]
    edit_handler = admin.edit_handler
    index_view_class = queue.QueueIndexView
    index_template_name = "discussion/admin/queue_index.html"
    history_view_class = queue.HistoryView
    list_display = [
        TitleColumn("author_name", label="Author", url_name="wagtailsnippets_discussion_response:edit"),
        Column("excerpt", label="Response", accessor=admin.excerpt),
        Column("kind", label="Type", accessor="get_kind_display"),
        Column("status", label="Status", accessor="get_status_display"),
        TitleColumn(
            "page",
            label="On page",
            accessor="page.title",
            get_url=admin.permalink,
            link_attrs={"target": "_blank", "rel": "noopener"},
        ),
        DateColumn("created_at", label="Received"),
        queue.RowActionsColumn("actions", label="Actions"),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("moderate/<int:pk>/<str:action>/", queue.row_action, name="moderate"),
            path("undo/", queue.undo, name="undo"),
            path("reply/<int:pk>/", queue.reply, name="reply"),
        ]

    def get_queryset(self, request):
        return Response.objects.select_related("page")


register_snippet(ResponseViewSet)


class FailedEmailsMenuItem(MenuItem):
    """ "Emails (2 failed)": a mail server that keeps refusing shows up where moderators look."""

    def is_shown(self, request):
        return request.user.has_perm(moderation.MODERATE_PERMISSION)

    def render_component(self, request):
        failed = Notification.objects.filter(status=Notification.Status.FAILED).count()
        label = f"{self.label} ({failed} failed)" if failed else self.label
        attrs = {**self.attrs, "data-failed-count": str(failed)}
        return LinkMenuItem(self.name, label, self.url, icon_name=self.icon_name, classname=self.classname, attrs=attrs)


class NotificationPermissionPolicy(ModelPermissionPolicy):
    """Emails are written by the site: moderators may look (list and inspect), nobody adds or edits one."""

    def user_has_permission(self, user, action):
        return action == "view" and user.is_active and user.has_perm(moderation.MODERATE_PERMISSION)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        return ModelPermissionPolicy(Response).users_with_permission("change")


register_permission_policy(Notification, NotificationPermissionPolicy(Notification))


class NotificationViewSet(SnippetViewSet):
    model = Notification
    icon = "mail"
    menu_label = "Emails"
    menu_name = "emails"
    menu_order = 251
    add_to_admin_menu = True
    menu_item_class = FailedEmailsMenuItem
    inspect_view_enabled = True
    list_filter = ["status", "purpose"]
    search_fields = ["to", "subject"]
    search_backend_name = None
    list_per_page = 50
    list_display = [
        TitleColumn("subject", label="Subject", url_name="wagtailsnippets_discussion_notification:inspect"),
        Column("to", label="To"),
        Column("purpose", label="About"),
        Column("status", label="Status", accessor="get_status_display"),
        Column("attempts", label="Attempts"),
        Column("last_error", label="Last error"),
        DateColumn("created_at", label="Queued"),
        emails_admin.SendAgainColumn("send_again", label="Actions"),
    ]

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("send-again/<int:pk>/", emails_admin.send_again, name="send_again"),
        ]


register_snippet(NotificationViewSet)
hooks.register("register_bulk_action", emails_admin.SendAgainBulkAction)

for action in (admin.ApproveBulkAction, admin.SpamBulkAction, admin.NotSpamBulkAction, admin.TrashBulkAction):
    hooks.register("register_bulk_action", action)
# After wagtail.snippets' own delete action (this app is listed before it), so this one is used for responses.
hooks.register("register_bulk_action", admin.DeleteResponsesBulkAction, order=1)


@hooks.register("register_admin_urls")
def discussion_admin_urls():
    from . import settings_admin

    view = settings_admin.verify_akismet_key
    return [path("discussion/verify-akismet-key/", view, name="discussion_verify_akismet_key")]
