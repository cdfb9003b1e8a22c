"""WordPress addresses below a post that have no page of their own: ``comment-page-N/`` and an old ``trackback/``.

A WordPress post pages its comments at ``<permalink>comment-page-2/`` and takes TrackBacks at
``<permalink>trackback/``. Here every response is on the post's page, so a comment page is a
permanent redirect to the post (the ``#comment-150`` fragment of an old link travels along and
finds its response); and a TrackBack sent to a post's old permalink goes to the linkbacks
endpoint of the page that address now redirects to.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.views.decorators.csrf import csrf_exempt
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site
from wagtail.views import serve

from linkbacks.views import trackback_view


def _page_at(site: Site, path: str) -> Page | None:
    return Page.objects.filter(url_path=site.root_page.url_path + path.strip("/") + "/").first()


def _moved(site: Site, path: str) -> Redirect | None:
    """The redirect from an old address (an import's permalink, or one an editor added)."""
    candidates = list(Redirect.get_for_site(site).filter(old_path=Redirect.normalise_path("/" + path)))
    return next((r for r in candidates if r.site_id), None) or next(iter(candidates), None)


def comment_page(request: HttpRequest, path: str, number: str) -> HttpResponse:
    site = Site.find_for_request(request)
    if site is None:
        raise Http404("No site here.")
    if _page_at(site, f"{path}comment-page-{number}/") is not None:  # a real page of that name
        return serve(request, request.path)
    page = _page_at(site, path)
    if page is not None and page.live:
        return HttpResponsePermanentRedirect(page.url)
    redirect = _moved(site, path)
    if redirect is not None and redirect.link:
        return HttpResponsePermanentRedirect(redirect.link)
    raise Http404("No page here.")


@csrf_exempt
def trackback(request: HttpRequest, path: str) -> HttpResponse:
    """The linkbacks endpoint, at the page's own address or at any old address that redirects to it."""
    site = Site.find_for_request(request)
    if site is not None and _page_at(site, path) is None:
        redirect = _moved(site, path)
        moved_to = redirect.redirect_page if redirect is not None else None
        if moved_to is not None and moved_to.url_path.startswith(site.root_page.url_path):
            path = moved_to.url_path[len(site.root_page.url_path) :]
    return trackback_view(request, path)
