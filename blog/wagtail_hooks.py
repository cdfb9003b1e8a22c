"""Editor additions for posts: the Publish button follows the publish date (see scheduling.py)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_editor_js")
def schedule_button_follows_publish_date():
    return format_html('<script src="{}" defer></script>', static("blog/admin/schedule.js"))
