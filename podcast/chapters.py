"""JSON chapters (Podcasting 2.0, version 1.2.0): read an uploaded or imported file, write ours."""

import json
import math
from dataclasses import dataclass

from django.core.exceptions import ValidationError

CHAPTERS_TYPE = "application/json+chapters"
CHAPTERS_VERSION = "1.2.0"
MAX_CHAPTERS_BYTES = 1_000_000


@dataclass(frozen=True)
class Chapter:
    start_time: float
    title: str = ""
    url: str = ""
    img: str = ""
    toc: bool = True


def parse_chapters(data: bytes | str) -> list[Chapter]:
    """Chapters from a JSON chapters document; a clear ValidationError for anything else."""
    if len(data) > MAX_CHAPTERS_BYTES:
        raise ValidationError("The chapters file is larger than 1 MB.")
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ValidationError("The chapters file is not valid JSON.") from None
    if not isinstance(document, dict) or not isinstance(document.get("chapters"), list):
        raise ValidationError('A chapters file needs a "chapters" list (JSON chapters format).')
    chapters = []
    for number, entry in enumerate(document["chapters"], start=1):
        start = entry.get("startTime") if isinstance(entry, dict) else None
        if isinstance(start, bool) or not isinstance(start, int | float) or not math.isfinite(start) or start < 0:
            raise ValidationError(f"Chapter {number} needs a startTime in seconds (a number, zero or more).")
        chapters.append(
            Chapter(
                start_time=float(start),
                title=str(entry.get("title") or "")[:255],
                url=str(entry.get("url") or "")[:500],
                img=str(entry.get("img") or "")[:500],
                toc=entry.get("toc") is not False,
            )
        )
    return sorted(chapters, key=lambda chapter: chapter.start_time)


def chapters_document(chapters: list[Chapter]) -> dict:
    entries = []
    for chapter in chapters:
        entry: dict = {"startTime": chapter.start_time}
        if chapter.title:
            entry["title"] = chapter.title
        if chapter.url:
            entry["url"] = chapter.url
        if chapter.img:
            entry["img"] = chapter.img
        if not chapter.toc:
            entry["toc"] = False
        entries.append(entry)
    return {"version": CHAPTERS_VERSION, "chapters": entries}
