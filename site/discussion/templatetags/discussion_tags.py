"""`{% discussion page %}` renders a page's whole discussion; `{% discussion_feed_links page %}` its feeds."""

from django import template
from django.db.models import Q
from django.urls import reverse

from .. import options, text, thread, tokens
from ..forms import CommentForm
from ..models import Response, has_discussion

register = template.Library()


def visible_responses(page, pending_ids: list[int]):
    """One query: the page's approved responses plus the reader's own held ones."""
    return (
        Response.objects.filter(page=page)
        .filter(Q(status=Response.Status.APPROVED) | Q(pk__in=pending_ids, status=Response.Status.PENDING))
        .defer("content", "akismet_payload", "user_agent", "referrer", "ip_address")
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


@register.inclusion_tag("discussion/discussion.html", takes_context=True)
def discussion(context, page):
    request = context.get("request")
    if not has_discussion(page):
        return {"enabled": False}
    cookies = request.COOKIES if request is not None else {}
    responses = list(visible_responses(page, tokens.read_pending(cookies.get(tokens.PENDING_COOKIE))))
    by_id = {r.pk: r for r in responses}
    closed_reason = page.comments_closed_reason()
    form = context.get("discussion_form")
    reply_to = None
    if form is None:
        candidate = by_id.get(_as_id(request.GET.get("replyto")) if request is not None else None)
        reply_to = candidate if candidate and candidate.status == Response.Status.APPROVED else None
        form = CommentForm(initial={"parent": reply_to.pk if reply_to else None, "token": tokens.form_token(page.pk)})
    else:
        reply_to = by_id.get(_as_id(form.data.get("parent")))
        form.data = form.data.copy()
        form.data["token"] = tokens.form_token(page.pk)
    approved = sum(1 for r in responses if r.status == Response.Status.APPROVED)
    return {
        "enabled": True,
        "page": page,
        "heading": heading(approved, page.title),
        "entries": thread.build(responses, options.current().thread_depth),
        "depth_limit": options.current().thread_depth,  # as in WordPress, no reply link at the deepest level
        "closed_reason": closed_reason,
        "form": form,
        "reply_to": reply_to,
        # Without JavaScript, a page sent back with errors opens at the form, not at the top of the post.
        "action": reverse("discussion:post", args=[page.pk]) + "#respond",
        "feed_url": reverse("discussion:page_feed", args=[page.pk]),
    }


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
