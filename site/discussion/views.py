"""HTTP in and out for the discussion: the comment POST, email-link actions and feeds."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST
from wagtail.models import Page

from pagecache import restrictions

from . import moderation, moderation_links, origin, tokens
from .forms import HONEYPOT, CommentForm
from .models import Response, has_discussion

MAX_BODY_BYTES = 256 * 1024


def discussion_page(page_id: int) -> Page:
    if page_id > 2**63 - 1:  # the URL converter accepts any digits; the database does not
        raise Http404("No such page.")
    page = get_object_or_404(restrictions.public(Page.objects.live()), pk=page_id).specific
    if not has_discussion(page):
        raise Http404("This page has no discussion.")
    return page


def _page_with_form(request: HttpRequest, page: Page, form: CommentForm, status: int) -> HttpResponse:
    """Show the page again with the reader's text and the errors next to their fields."""
    response = page.serve(request)
    if isinstance(response, TemplateResponse):
        response.context_data["discussion_form"] = form
        response.status_code = status
        return response
    errors = [e for errors in form.errors.values() for e in errors]
    return render(request, "discussion/error.html", {"page": page, "errors": errors}, status=status)


def signed_in(request: HttpRequest) -> bool:
    """Asked without touching the session of a reader who has none, so their pages stay shareable."""
    return settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated


@csrf_exempt  # readers post from shared, cached pages without a CSRF cookie: see origin.py
@require_POST
def post_comment(request: HttpRequest, page_id: int) -> HttpResponse:
    if origin.cross_site(request):
        return render(request, "discussion/error.html", {"errors": [origin.REFUSAL]}, status=403)
    if signed_in(request):
        return _protected_comment(request, page_id)
    return _comment(request, page_id)


def _comment(request: HttpRequest, page_id: int) -> HttpResponse:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not (length.isascii() and length.isdigit()) or int(length) > MAX_BODY_BYTES:
        message = f"Your comment is too large to send (the limit is {MAX_BODY_BYTES // 1024} KB)."
        return render(request, "discussion/error.html", {"errors": [message]}, status=413)
    page = discussion_page(page_id)
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _page_with_form(request, page, form, 400)
    data = form.cleaned_data
    parent = None
    if data["parent"]:
        parent = Response.objects.filter(pk=data["parent"], page=page).first()
        if parent is None:
            form.add_error(None, "The comment you are replying to no longer exists.")
            return _page_with_form(request, page, form, 400)
    response = Response(
        page=page,
        parent=parent,
        kind=Response.Kind.COMMENT,
        author_name=data["author_name"],
        author_email=data["author_email"],
        author_url=data["author_url"],
        content=data["content"],
        notify_replies=data["notify_replies"],
    )
    try:
        tokens.check_form_token(data["token"], page.pk)
    except tokens.TokenError as error:
        form.add_error(None, str(error))
        return _page_with_form(request, page, form, 400)
    context = moderation.RequestContext.from_request(
        request, permalink=page.full_url or "", honeypot_tripped=bool(data[HONEYPOT]), honeypot_field_name=HONEYPOT
    )
    submission = moderation.fingerprint(response)

    def use_token() -> list[str]:  # in the save's transaction: a comment refused leaves its token unused
        return tokens.use_form_token(data["token"], request.META.get("REMOTE_ADDR", ""), submission=submission)

    try:
        moderation.submit(response, request_context=context, before_save=use_token)
    except tokens.TokenError as error:
        form.add_error(None, str(error))
        return _page_with_form(request, page, form, 400)
    except moderation.Rejected as rejected:
        form.add_error(rejected.field, rejected.message)
        return _page_with_form(request, page, form, rejected.http_status)
    anchor = response.anchor if response.pk and response.status != Response.Status.SPAM else "responses"
    redirect = HttpResponseRedirect(f"{page.url}#{anchor}", status=303)
    if response.pk and response.status == Response.Status.PENDING:
        pending = tokens.read_pending(request.COOKIES.get(tokens.PENDING_COOKIE)) + [response.pk]
        redirect.set_cookie(
            tokens.PENDING_COOKIE,
            tokens.write_pending(pending),
            max_age=tokens.PENDING_MAX_AGE,
            httponly=True,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
    return redirect


_protected_comment = csrf_protect(_comment)  # a signed-in reader's page carries Django's CSRF token


@never_cache
@csrf_exempt  # the signed token is the credential; mail clients POST one-click unsubscribes without a form
@require_http_methods(["GET", "POST"])
def action(request: HttpRequest, token: str) -> HttpResponse:
    """The unsubscribe link in reply emails. GET asks, POST does."""
    try:
        response_id, verb = tokens.read_action(token)
    except tokens.TokenError as error:
        return render(request, "discussion/error.html", {"errors": [str(error)]}, status=400)
    if verb != "unsubscribe":  # approve / spam links from emails sent before they were bound to a moderator
        return _link_refused(request, 410, "This moderation link is from an older email and no longer works.")
    response = Response.objects.filter(pk=response_id).select_related("page").first()
    if response is None:
        return render(request, "discussion/error.html", {"errors": ["That response no longer exists."]}, status=404)
    done = ""
    if request.method == "POST":
        Response.objects.filter(page=response.page_id, author_email__iexact=response.author_email).update(
            notify_replies=False
        )
        done = "You will get no more reply emails for this conversation."
    return render(request, "discussion/action.html", {"response": response, "verb": verb, "done": done})


@never_cache
@require_http_methods(["GET", "POST"])
def moderate(request: HttpRequest, token: str) -> HttpResponse:
    """Approve / spam links from moderation emails (``moderation_links``). GET asks, POST does."""
    try:
        checked = moderation_links.check(token, request)
        if request.method == "POST":
            response = moderation_links.use(token, request)
            done = f"The response is now {response.get_status_display().lower()}."
            return render(request, "discussion/action.html", {"response": response, "done": done})
    except moderation_links.Refused as refused:
        return _link_refused(request, refused.status, refused.message)
    return render(request, "discussion/action.html", {"response": checked.response, "verb": checked.action})


def _link_refused(request: HttpRequest, status: int, message: str) -> HttpResponse:
    queue = reverse("wagtailsnippets_discussion_response:list")
    return render(request, "discussion/link_refused.html", {"message": message, "queue": queue}, status=status)
