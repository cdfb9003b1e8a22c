"""Episode media: the types Apple accepts, and what we read from an uploaded file."""

from dataclasses import dataclass
from pathlib import PurePosixPath

import mutagen
from django.core.exceptions import ValidationError

# A fixed map: Python's mimetypes says audio/mp4 for .m4a, which Apple does not list.
MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/x-m4a",
    ".mp4": "video/mp4",
    ".m4v": "video/x-m4v",
    ".mov": "video/quicktime",
}
EXTENSION_FOR_TYPE = {
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/x-m4a": ".m4a",
    "audio/m4a": ".m4a",
    "audio/mp4": ".m4a",
    "video/mp4": ".mp4",
    "video/x-m4v": ".m4v",
    "video/quicktime": ".mov",
}


@dataclass(frozen=True)
class MediaInfo:
    size: int
    media_type: str
    duration: int  # whole seconds, as itunes:duration wants


def media_type_for(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in MEDIA_TYPES:
        allowed = ", ".join(sorted(MEDIA_TYPES))
        raise ValidationError(f"Podcast apps accept episode files ending in {allowed}; this file ends in “{suffix}”.")
    return MEDIA_TYPES[suffix]


def probe(file, name: str) -> MediaInfo:
    """Size, type and duration of an episode file; refuse files mutagen cannot read as audio/video."""
    media_type = media_type_for(name)
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    try:
        parsed = mutagen.File(file)
    except mutagen.MutagenError:
        parsed = None
    finally:
        file.seek(0)
    if parsed is None or not getattr(parsed.info, "length", 0):
        raise ValidationError(
            f"“{PurePosixPath(name).name}” could not be read as {media_type}; upload a real media file."
        )
    return MediaInfo(size=size, media_type=media_type, duration=round(parsed.info.length))
