"""Demo content for `make run`: the show "For Immediate Release" with two short episodes.

The audio is real MPEG-1 Layer III: silent frames any player decodes, generated here so the repository
carries no binary media. `load_demo_show(index)` is idempotent: an existing show is left alone.
"""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

FRAME_HEADER = b"\xff\xfb\x94\xc0"  # MPEG-1 Layer III, 128 kbit/s, 48 kHz, mono, no CRC
FRAME_BYTES = 384  # 144 * 128000 / 48000, no padding at 48 kHz
SAMPLES_PER_FRAME = 1152
SLUG = "podcast"
EPISODES = [
    {
        "title": "Why we started this show",
        "slug": "why-we-started",
        "summary": "Two people who run a blog decide to talk about it out loud.",
        "notes": "<p>In the first episode we talk about why a blog needs a voice, and what we will cover.</p>"
        '<ul><li><a href="https://podcastindex.org/namespace/1.0">The Podcasting 2.0 namespace</a></li></ul>',
        "seconds": 30,
        "chapters": [(0, "Hello"), (10, "Why a podcast"), (20, "What comes next")],
    },
    {
        "title": "Feeds that every app accepts",
        "slug": "feeds-every-app-accepts",
        "summary": "What Apple, Spotify and Podcasting 2.0 apps need from a feed, and what breaks them.",
        "notes": "<p>Byte ranges, stable guids, explicit true or false: the small things that decide whether "
        "listeners can subscribe at all.</p>",
        "seconds": 45,
        "chapters": [(0, "Intro"), (15, "Byte ranges"), (30, "Guids that never change")],
    },
]


def silent_mp3(seconds: float) -> bytes:
    """A constant-bitrate MP3 of silence lasting `seconds` (to 24 ms)."""
    frames = round(seconds * 48000 / SAMPLES_PER_FRAME)
    return (FRAME_HEADER + bytes(FRAME_BYTES - len(FRAME_HEADER))) * frames


def demo_artwork() -> bytes:
    """A 1400×1400 PNG cover, inside Apple's artwork rules."""
    image = Image.new("RGB", (1400, 1400), (24, 64, 96))
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 100, 1300, 1300), outline=(240, 200, 80), width=24)
    draw.text((180, 640), "For Immediate Release", fill=(255, 255, 255), font_size=96)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def demo_transcript(title: str, seconds: int) -> bytes:
    lines = ["WEBVTT", ""]
    for start in range(0, seconds, 10):
        lines += [
            f"00:00:{start:02d}.000 --> 00:00:{min(start + 10, seconds):02d}.000",
            f"<v Host>{title}, part {start // 10 + 1}.",
            "",
        ]
    return "\n".join(lines).encode()


def load_demo_show(index):
    """Create the demo show under the blog index (at /podcast/) unless it exists; return it."""
    from .models import EpisodePage, PodcastPage

    existing = PodcastPage.objects.child_of(index).filter(slug=SLUG).first()
    if existing:
        return existing
    show = PodcastPage(
        title="For Immediate Release",
        slug=SLUG,
        description="A short demo podcast about running a blog and a podcast on your own domain.",
        author="Backchannel",
        owner_name="Backchannel",
        owner_email="podcast@example.org",
        language="en",
        copyright="Backchannel",
        artwork=ContentFile(demo_artwork(), name="for-immediate-release.png"),
    )
    index.add_child(instance=show)
    show.categories.create(category="Technology")
    show.categories.create(category="Society & Culture/Documentary")
    show.persons.create(name="Ada Host", role="host")
    show.save_revision().publish()
    for number, data in enumerate(EPISODES, start=1):
        episode = EpisodePage(
            title=data["title"],
            slug=data["slug"],
            summary=data["summary"],
            season=1,
            episode_number=number,
            pub_date=timezone.now() - timedelta(days=len(EPISODES) - number + 1),
            body=[("paragraph", data["notes"])],
            audio_file=ContentFile(silent_mp3(data["seconds"]), name=f"{data['slug']}.mp3"),
        )
        show.add_child(instance=episode)
        for start, title in data["chapters"]:
            episode.chapters.create(start_time=start, title=title)
        episode.transcripts.create(
            file=ContentFile(demo_transcript(data["title"], data["seconds"]), name=f"{data['slug']}.vtt"),
            language="en",
            captions=True,
        )
        episode.save_revision().publish()
    show.refresh_from_db()
    return show
