"""HTTP in and out for linkbacks: the XML-RPC endpoint, trackback, webmention and its status page."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page, Site

from discussion.moderation import RequestContext

from . import pingback, receiving, tasks, trackback, webmention
from .models import IncomingWebmention

XML = "text/xml; charset=utf-8"


def _body(request: HttpRequest, limit: int) -> bytes | None:
    """At most ``limit`` bytes of the body, read from the stream; None when it is longer."""
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not (declared.isascii() and declared.isdigit()) or int(declared) > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def _context(request: HttpRequest, permalink: str = "") -> RequestContext:
    return RequestContext.from_request(request, permalink=permalink)


@csrf_exempt
def xmlrpc(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return HttpResponse(
            "The XML-RPC server accepts POST requests only.\n",
            status=405,
            content_type="text/plain",
            headers={"Allow": "POST"},
        )
    body = _body(request, pingback.MAX_BODY)
    if body is None:
        message = f"The request body is larger than {pingback.MAX_BODY:,} bytes."
        return HttpResponse(pingback.fault(pingback.PARSE_ERROR, message), status=413, content_type=XML)
    try:
        method, params = pingback.parse_call(body)
    except pingback.MalformedCall as error:
        return HttpResponse(pingback.fault(pingback.PARSE_ERROR, str(error)), status=400, content_type=XML)
    return HttpResponse(pingback.dispatch(method, params, _context(request)), content_type=XML)


def _page_at(request: HttpRequest, path: str) -> Page:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site here.")
    page = Page.objects.live().public().filter(url_path=site.root_page.url_path + path.strip("/") + "/").first()
    if page is None:
        raise Http404("No page here.")
    return page.specific


@csrf_exempt
def trackback_view(request: HttpRequest, path: str) -> HttpResponse:
    """Every answer to a POST is HTTP 200, refusals included (``<error>1</error>`` and a message), as the
    TrackBack spec and WordPress answer; senders read the XML, not the status."""
    if request.method != "POST":
        return HttpResponse(
            trackback.reply("Trackbacks are sent with POST."), status=405, content_type=XML, headers={"Allow": "POST"}
        )
    try:
        page = _page_at(request, path)
    except Http404:
        return HttpResponse(trackback.reply("There is no page at this address."), content_type=XML)
    body = _body(request, 64 * 1024)
    if body is None:
        return HttpResponse(trackback.reply("The trackback is too large."), content_type=XML)
    try:
        fields = trackback.decode_form(body, request.META.get("CONTENT_TYPE", ""))
        trackback.receive(page, fields, _context(request, page.full_url or ""))
    except receiving.LinkbackError as error:
        return HttpResponse(trackback.reply(error.message), content_type=XML)
    return HttpResponse(trackback.reply(), content_type=XML)


@csrf_exempt
@require_POST
def webmention_view(request: HttpRequest) -> HttpResponse:
    source, target = request.POST.get("source", "").strip(), request.POST.get("target", "").strip()
    try:
        mention = webmention.accept(source, target, _context(request))
    except receiving.LinkbackError as error:
        return HttpResponse(error.message + "\n", status=error.http_status, content_type="text/plain; charset=utf-8")
    tasks.verify_webmention.enqueue(mention.pk)
    status_url = request.build_absolute_uri(reverse("linkbacks:webmention-status", args=[mention.token]))
    return HttpResponse(
        f"Accepted: the webmention will be verified shortly. Its status is at {status_url}\n",
        status=202,
        content_type="text/plain; charset=utf-8",
    )


def webmention_status(request: HttpRequest, token) -> HttpResponse:
    mention = get_object_or_404(IncomingWebmention, token=token)
    return render(request, "linkbacks/webmention_status.html", {"mention": mention})
