"""Routing that finds every page on the path at once and fetches each with what it is shown with.

Wagtail routes down the tree one level at a time, two queries a level (the child, then its specific
type), and the page then loads each foreign key it shows on first use. `JoinedRoute` reads the
pages on the whole path in one query (by `url_path`, kept on the request for the levels below),
and fetches each in its specific type with its `serve_related` foreign keys joined: an episode
under a show under the blog costs three queries instead of four, a post two with its image and
attachment. The child found is kept per content version (`fragments`), so the renders after the
first cost no query for routing.
"""

from django.http import Http404
from wagtail.models import Page

from . import fragments

CHAIN = "_pagecache_route_chain"


def _chain(page: Page, request, components: list[str]) -> dict[str, Page]:
    """The pages at each prefix of `components` below `page`, by url_path (Wagtail's parent
    url_path + slug + "/"), read once per request."""
    chain = getattr(request, CHAIN, None) if request is not None else None
    if chain is None:
        prefixes = [page.url_path + "/".join(components[: n + 1]) + "/" for n in range(len(components))]
        found = Page.objects.filter(url_path__in=prefixes, path__startswith=page.path, depth__gt=page.depth)
        chain = {child.url_path: child for child in found}
        if request is not None:
            setattr(request, CHAIN, chain)
    return chain


class JoinedRoute:
    """For a page type with children (placed before `Page` in its bases, after RoutablePageMixin)."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        parts = (self.pk, path_components[0])
        specific = fragments.get("routed-page", parts)
        if specific is None:
            specific = self._fetch_child(request, path_components)
            fragments.seed("routed-page", parts, specific)  # only pages that exist: no entry per unknown slug
        specific._cached_parent_obj = self  # as Wagtail does: no query for the parent
        return specific.route(request, path_components[1:])

    def _fetch_child(self, request, path_components: list[str]) -> Page:
        child = _chain(self, request, path_components).get(self.url_path + path_components[0] + "/")
        if child is None or child.depth != self.depth + 1 or not child.path.startswith(self.path):
            raise Http404
        model = child.specific_class
        related = getattr(model, "serve_related", ())
        if model is None or not related:
            return child.specific
        return model._default_manager.select_related(*related).get(pk=child.pk)
