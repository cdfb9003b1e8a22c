"""Artwork rules from Apple's podcaster guide: JPEG or PNG, square, 1400 to 3000 px, RGB."""

from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from PIL import Image, UnidentifiedImageError

MIN_SIZE = 1400
MAX_SIZE = 3000
EXTENSIONS = {"JPEG": {".jpg", ".jpeg"}, "PNG": {".png"}}


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
