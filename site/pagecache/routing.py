"""Routing that fetches a child page with what it is shown with.

Wagtail routes to a child in two queries (the child, then its specific type) and the page then loads
each foreign key it shows on first use. A page type listing `serve_related` (foreign keys its page
always shows) has them joined into the second query.
"""

from django.http import Http404
from wagtail.models import Page


class JoinedRoute:
    """For a page type with children (placed before `Page` in its bases, after RoutablePageMixin)."""

    def route(self, request, path_components):
        if not path_components:
            return super().route(request, path_components)
        try:
            child = self.get_children().get(slug=path_components[0])
        except Page.DoesNotExist as missing:
            raise Http404 from missing
        model = child.specific_class
        related = getattr(model, "serve_related", ())
        if model is None or not related:
            specific = child.specific
        else:
            specific = model._default_manager.select_related(*related).get(pk=child.pk)
        specific._cached_parent_obj = self  # as Wagtail does: no query for the parent
        return specific.route(request, path_components[1:])
