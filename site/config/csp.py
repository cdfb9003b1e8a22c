"""The Content-Security-Policy (django-csp): strict on public pages, loosened only where Wagtail's admin needs it.

Public pages run no inline script or style, so the policy forbids both: a script that slipped into a
comment, a linkback excerpt or an imported post would not run. Images, audio and embedded players
may come from other sites (Gravatar, webmention photos, remote enclosures, YouTube or Vimeo iframes).
No nonces, so a cached page stays valid for every reader.

Wagtail's admin renders a few inline scripts and styles of its own (panels, date pickers), so
under ``/admin/`` script-src and style-src also allow 'unsafe-inline'; everything else stays as strict.
"""

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts

ADMIN_PREFIX = "/admin/"


def directives(*, embed_script_sources: list[str], report_uri: str) -> dict[str, list[str]]:
    """The public policy; ``embed_script_sources`` lets script-based embeds (tweets…) run."""
    policy = {
        "default-src": [SELF],
        "script-src": [SELF, *embed_script_sources],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "https:"],
        "media-src": [SELF, "https:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF, "https:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [SELF],
    }
    if report_uri:
        policy["report-uri"] = [report_uri]
    return policy


ADMIN_ADDITIONS = {"script-src": [UNSAFE_INLINE], "style-src": [UNSAFE_INLINE]}


class SitePolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, adding the admin's inline allowances under /admin/ only."""

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(ADMIN_PREFIX):
            update = dict(parts.update or {})
            for directive, sources in ADMIN_ADDITIONS.items():
                update[directive] = [*update.get(directive, []), *sources]
            parts.update = update
        return parts
