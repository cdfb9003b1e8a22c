"""`{% discussion page %}` renders a page's whole discussion; `{% discussion_feed_links page %}` its feeds."""

from django import template
from django.conf import settings
from django.db.models import Q
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from pagecache import fragments, lifetime

from .. import options, text, thread, tokens
from ..forms import CommentForm
from ..models import Response, has_discussion

register = template.Library()
TOKEN_SLOT = "form-token-slot-3f9c1e"  # noqa: S105 (no secret) where a render's own token goes in the shared form (`blank_form`)


def visible_responses(page, pending_ids: list[int]):
    """One query: the page's approved responses plus the reader's own held ones."""
    return (
        Response.objects.filter(page=page)
        .filter(Q(status=Response.Status.APPROVED) | Q(pk__in=pending_ids, status=Response.Status.PENDING))
        .defer("akismet_payload", "user_agent", "referrer", "ip_address")  # content: a linkback shows its words
        .order_by("created_at", "id")
    )


def _as_id(value) -> int | None:
    try:
        return int(str(value)) if str(value).isascii() else None
    except ValueError:
        return None


def heading(count: int, title: str) -> str:
    if count == 0:
        return f"No responses yet to “{title}”"
    if count == 1:
        return f"One response to “{title}”"
    return f"{count} responses to “{title}”"


def render_thread(responses: list[Response], closed_reason: str) -> tuple[int, str, dict[int, str]]:
    """(approved count, the threaded list's HTML, each approved response's author by id, for a reply's
    form): one template pass over the whole thread."""
    depth_limit = options.current().thread_depth
    html = render_to_string(
        "discussion/includes/thread.html",
        {
            "entries": thread.build(responses, depth_limit),
            "depth_limit": depth_limit,  # as in WordPress, no reply link at the deepest level
            "closed_reason": closed_reason,
        },
    )
    approved = {r.pk: r.author_name for r in responses if r.status == Response.Status.APPROVED}
    return len(approved), html, approved


def shared_thread(page, closed_reason: str) -> tuple[int, str, dict[int, str]]:
    """What every reader without a held comment sees, built once per content version."""
    return fragments.cached(
        "discussion-thread-and-authors",
        (page.pk, options.current().thread_depth, bool(closed_reason)),
        lambda: render_thread(list(visible_responses(page, [])), closed_reason),
    )


def replied_to(page, response_id: int | None, approved: dict[int, str] | None = None) -> Response | None:
    """The approved response of this page a reply is to: from the thread when it is at hand, else one query."""
    if response_id is None or not 0 < response_id < 2**63:  # the database's integer range
        return None
    if approved is not None:
        name = approved.get(response_id)
        return None if name is None else Response(pk=response_id, page=page, author_name=name)
    return Response.objects.filter(pk=response_id, page=page, status=Response.Status.APPROVED).first()


@register.inclusion_tag("discussion/discussion.html", takes_context=True)
def discussion(context, page):
    request = context.get("request")
    if not has_discussion(page):
        return {"enabled": False}
    cookies = request.COOKIES if request is not None else {}
    pending_ids = tokens.read_pending(cookies.get(tokens.PENDING_COOKIE))
    closed_reason = page.comments_closed_reason()
    closes_at = page.discussion_closes_at()
    if not closed_reason and closes_at is not None and closes_at > timezone.now():
        lifetime.until(request, closes_at)  # a cached copy must not offer the form once comments close
    if pending_ids:
        count, thread_html, approved = render_thread(list(visible_responses(page, pending_ids)), closed_reason)
    else:
        count, thread_html, approved = shared_thread(page, closed_reason)
    form = context.get("discussion_form")
    # Only a signed-in reader's page (private, never cached) carries Django's CSRF token.
    csrf = request is not None and settings.SESSION_COOKIE_NAME in cookies and request.user.is_authenticated
    # Without JavaScript, a page sent back with errors opens at the form, not at the top of the post.
    action = reverse("discussion:post", args=[page.pk]) + "#respond"
    form_html = ""
    if form is None:
        reply_to = replied_to(page, _as_id(request.GET.get("replyto")) if request is not None else None, approved)
        if csrf and not closed_reason:  # a signed-in reader's own form, with Django's token
            form = CommentForm(
                initial={"parent": reply_to.pk if reply_to else None, "token": tokens.form_token(page.pk)}
            )
        elif not closed_reason:
            form_html = blank_form(page, reply_to, action)
    else:
        reply_to = replied_to(page, _as_id(form.data.get("parent")))
        form.data = form.data.copy()
        form.data["token"] = tokens.form_token(page.pk)
    return {
        "enabled": True,
        "page": page,
        "heading": heading(count, page.title),
        "thread": mark_safe(thread_html),  # noqa: S308 (rendered by our own template, autoescaped)
        "closed_reason": closed_reason,
        "form": form,
        "form_html": form_html,
        "reply_to": reply_to,
        "csrf": csrf,
        "action": action,
        "feed_url": reverse("discussion:page_feed", args=[page.pk]),
    }


def blank_form(page, reply_to: Response | None, action: str) -> str:
    """The empty form as every reader gets it, rendered once per content version (a dozen widget
    templates), with this render's token put in."""
    parent = reply_to.pk if reply_to else None

    def render() -> str:
        form = CommentForm(initial={"parent": parent, "token": TOKEN_SLOT})
        context = {"page": page, "form": form, "reply_to": reply_to, "csrf": False, "action": action}
        return get_template("discussion/includes/form.html").render(context)

    parts = (page.pk, parent, settings.DISCUSSION_MAX_COMMENT_LENGTH, action)
    html = fragments.cached("discussion-form", parts, render)
    return mark_safe(html.replace(TOKEN_SLOT, escape(tokens.form_token(page.pk)), 1))  # noqa: S308 (our template)


@register.inclusion_tag("discussion/includes/feed_links.html")
def discussion_feed_links(page):
    """For the page template's `feeds` block: autodiscovery of the page's responses feeds."""
    if not has_discussion(page):
        return {}
    return {
        "title": page.title,
        "rss": reverse("discussion:page_feed", args=[page.pk]),
        "atom": reverse("discussion:page_feed_atom", args=[page.pk]),
    }


@register.filter
def safe_url(url: str) -> str:
    """Only http(s) URLs become links or images; anything else (javascript:, data:) is dropped."""
    return text.http_url(url)
