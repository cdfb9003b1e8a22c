"""The dashboard's panels, and accessible names for Wagtail widgets that ship without one."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from .panels import DraftsPanel, ResponsesPanel, StartPanel


@hooks.register("construct_homepage_panels")
def author_dashboard(request, panels):
    panels[:0] = [StartPanel(), ResponsesPanel(), DraftsPanel()]


@hooks.register("insert_global_admin_js")
def accessible_names():
    return format_html('<script src="{}" defer></script>', static("editor/accessibility.js"))
