"""Old WordPress query links (``/?p=123``) land on the blog's front page, which answers 200, so
Wagtail's RedirectMiddleware (which only looks at 404s) never sees them; this hook does."""

from django.http import HttpResponsePermanentRedirect
from wagtail import hooks
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

QUERY_KEYS = ("p", "page_id", "attachment_id")


@hooks.register("before_serve_page")
def redirect_wordpress_query_links(page, request, serve_args, serve_kwargs):
    keys = [key for key in QUERY_KEYS if request.GET.get(key, "").isdigit()]
    if not keys:
        return None
    site = Site.find_for_request(request)
    paths = [Redirect.normalise_path(request.get_full_path())]
    paths += [Redirect.normalise_path(f"{request.path}?{key}={request.GET[key]}") for key in keys]
    for path in paths:
        candidates = list(Redirect.get_for_site(site).filter(old_path=path))
        redirect = next((r for r in candidates if r.site_id), None) or next(iter(candidates), None)
        if redirect is not None and redirect.link:
            return HttpResponsePermanentRedirect(redirect.link)
    return None
