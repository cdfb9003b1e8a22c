"""`{% versioned "name" part… %}…{% endversioned %}`: a part of a template rendered once per content
version (`pagecache.fragments`), for what a page shows every reader alike (a post's article, a
listing's cards), so the cold render skips its queries and template work.

The key is the name, the parts given and the request's scheme and host (URLs in the HTML may be
absolute). Nothing per reader or per request may be inside (a form's token, the search words), nor
anything with side effects a later render needs (`lifetime.until`). A preview renders unsaved content,
so it never reads or keeps a fragment.
"""

from django import template
from django.utils.safestring import mark_safe

from .. import fragments

register = template.Library()


class VersionedNode(template.Node):
    def __init__(self, nodelist: template.NodeList, name: template.base.FilterExpression, parts: list):
        self.nodelist, self.name, self.parts = nodelist, name, parts

    def render(self, context) -> str:
        request = context.get("request")
        if request is None or getattr(request, "is_preview", False):
            return self.nodelist.render(context)
        parts = (request.scheme, request.get_host(), *(part.resolve(context) for part in self.parts))
        html = fragments.cached(self.name.resolve(context), parts, lambda: str(self.nodelist.render(context)))
        return mark_safe(html)  # noqa: S308 (our own template's output, escaped as it rendered)


@register.tag
def versioned(parser, token) -> VersionedNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% versioned %} needs a name, then what the fragment depends on.")
    nodelist = parser.parse(("endversioned",))
    parser.delete_first_token()
    return VersionedNode(nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(bit) for bit in bits[2:]])
