"""Builders for shows and episodes with real (tiny) media files."""

import io
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from podcast.demo import silent_mp3
from podcast.models import EpisodePage, PodcastPage


def image_bytes(width: int = 1400, height: int | None = None, fmt: str = "PNG", mode: str = "RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, (width, height or width), "teal" if mode == "RGB" else 0).save(buffer, fmt)
    return buffer.getvalue()


def publish(page):
    page.save()  # commit child rows first, as the admin does, so the revision records their ids
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    return page


def make_show(
    index, title: str = "Test Show", *, slug: str = "show", artwork: bool = True, categories=("Technology",), **fields
) -> PodcastPage:
    defaults = {
        "description": "A show about testing podcasts.",
        "author": "Ada Host",
        "owner_name": "Ada Host",
        "owner_email": "ada@example.org",
        "language": "en-us",
        "copyright": "Ada Host",
    }
    show = PodcastPage(title=title, slug=slug, **{**defaults, **fields})
    if artwork:
        show.artwork = ContentFile(image_bytes(), name="cover.png")
    index.add_child(instance=show)
    for value in categories:
        show.categories.create(category=value)
    return publish(show)


def make_episode(
    show: PodcastPage,
    title: str = "An episode",
    *,
    seconds: float = 3,
    date: datetime | None = None,
    live: bool = True,
    audio: bool = True,
    **fields,
) -> EpisodePage:
    episode = EpisodePage(
        title=title,
        pub_date=date or timezone.now() - timedelta(hours=1),
        summary=fields.pop("summary", f"About {title}."),
        body=fields.pop("body", [("paragraph", f"<p>Notes for <b>{title}</b>.</p>")]),
        live=live,
        **fields,
    )
    if audio:
        episode.audio_file = ContentFile(silent_mp3(seconds), name="episode.mp3")
    show.add_child(instance=episode)
    if live:
        publish(episode)
    return episode


def heavy_artwork(size: int = 2000) -> bytes:
    """A valid square PNG heavier than 500 KB: detail with a little grain, as a real cover has."""
    detail = Image.effect_mandelbrot((size, size), (-2, -1.5, 1, 1.5), 100)
    grain = Image.effect_noise((size, size), 12)
    image = Image.merge("RGB", [detail, grain, Image.blend(detail, grain, 0.5)])
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
