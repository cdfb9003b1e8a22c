"""Artwork rules from Apple's podcaster guide: JPEG or PNG, square, 1400 to 3000 px, RGB."""

import io
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, UnidentifiedImageError

MIN_SIZE = 1400
MAX_SIZE = 3000
EXTENSIONS = {"JPEG": {".jpg", ".jpeg"}, "PNG": {".png"}}
FEED_MAX_BYTES = 500_000  # what the big apps asked hosts for (PSP-1 issue #13)
FEED_QUALITIES = (85, 75, 65)


def validate_artwork(file) -> None:
    """Reject artwork that Apple Podcasts would refuse, saying what to change."""
    try:
        file.seek(0)
        with Image.open(file) as image:
            fmt, (width, height), mode = image.format, image.size, image.mode
    except (UnidentifiedImageError, OSError, ValueError):
        raise ValidationError("This file is not an image. Upload the artwork as a JPEG or PNG file.") from None
    finally:
        file.seek(0)
    if fmt not in EXTENSIONS:
        raise ValidationError(f"Podcast artwork must be a JPEG or PNG image; this file is {fmt}.")
    suffix = PurePosixPath(getattr(file, "name", "") or "").suffix.lower()
    if suffix not in EXTENSIONS[fmt]:
        raise ValidationError(
            f"The file name ends in “{suffix or '(nothing)'}” but the image is a {fmt}; "
            f"rename it to end in {' or '.join(sorted(EXTENSIONS[fmt]))}."
        )
    if width != height:
        raise ValidationError(f"Podcast artwork must be square; this image is {width}×{height} px.")
    if not MIN_SIZE <= width <= MAX_SIZE:
        raise ValidationError(
            f"Podcast artwork must be between {MIN_SIZE}×{MIN_SIZE} and {MAX_SIZE}×{MAX_SIZE} px; "
            f"this image is {width}×{height} px."
        )
    if mode not in {"RGB", "RGBA", "P", "L"}:
        raise ValidationError(f"Podcast artwork must use the RGB colour space; this image is {mode}.")


def feed_copy(file) -> ContentFile | None:
    """A 1400 px JPEG of artwork heavier than 500 KB, for the feed and pages (Castopod feeds a 1400 px copy).

    None when the upload is light enough to use as is, or is not an image (its validator says why).
    """
    try:
        file.seek(0, 2)
        if file.tell() <= FEED_MAX_BYTES:
            return None
        file.seek(0)
        with Image.open(file) as image:
            image.load()
            rgb = image.convert("RGBA") if image.mode in {"P", "LA"} else image
            if rgb.mode == "RGBA":
                flat = Image.new("RGB", rgb.size, "white")
                flat.paste(rgb, mask=rgb.getchannel("A"))
                rgb = flat
            small = rgb.convert("RGB").resize((MIN_SIZE, MIN_SIZE), Image.Resampling.LANCZOS)
    except (UnidentifiedImageError, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    for quality in FEED_QUALITIES:
        buffer = io.BytesIO()
        small.save(buffer, "JPEG", quality=quality, optimize=True, progressive=True)
        if buffer.tell() <= FEED_MAX_BYTES:
            break
    stem = PurePosixPath(getattr(file, "name", "") or "artwork").stem
    return ContentFile(buffer.getvalue(), name=f"{stem}-feed.jpg")
