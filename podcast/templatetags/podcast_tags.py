"""Small formatting helpers for show and episode pages."""

from urllib.parse import quote

from django import template

from podcast.audio import MEDIA_TYPES
from podcast.timecode import format_timecode

register = template.Library()


@register.filter
def timecode(seconds) -> str:
    """Seconds as H:MM:SS (or M:SS under an hour), the way players show time."""
    return format_timecode(seconds)


@register.filter
def media_fragment(seconds) -> str:
    """A W3C media fragment (`t=12.5`) that seeks without JavaScript."""
    return f"t={float(seconds or 0):g}"


@register.filter
def without_scheme(url: str) -> str:
    return quote(url.split("://", 1)[-1], safe="/:?=&")


@register.filter
def media_kind(media_type: str) -> str:
    """`audio/mpeg` as listeners know it: MP3."""
    kinds = {value: suffix.lstrip(".").upper() for suffix, value in MEDIA_TYPES.items()}
    return kinds.get(media_type, media_type)
