"""Transcripts: the formats Podcasting 2.0 apps read, and a reader that turns them into cues for the page."""

import json
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError

TRANSCRIPT_TYPES = {
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".json": "application/json",
}
EXTENSION_FOR_TYPE = {media_type: suffix for suffix, media_type in TRANSCRIPT_TYPES.items()} | {
    "text/srt": ".srt",
    "application/srt": ".srt",
}
TIMESTAMP = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})")
VOICE = re.compile(r"<v(?:\.[^ >]*)?\s+([^>]+)>")
TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class Cue:
    start: float
    text: str
    speaker: str = ""


def transcript_type_for(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in TRANSCRIPT_TYPES:
        raise ValidationError(f"Transcripts must be WebVTT (.vtt), SubRip (.srt) or JSON (.json), not “{suffix}”.")
    return TRANSCRIPT_TYPES[suffix]


def _seconds(match: re.Match) -> float:
    hours, minutes, seconds, fraction = match.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(fraction.ljust(3, "0")) / 1000


def _timed_blocks(text: str) -> list[Cue]:
    """Cues of WebVTT and SubRip: blocks of lines where one line holds `start --> end`."""
    cues = []
    for block in re.split(r"\r?\n\s*\r?\n", text.replace("\ufeff", "")):
        lines = block.strip().splitlines()
        for index, line in enumerate(lines):
            if "-->" in line:
                match = TIMESTAMP.search(line.split("-->")[0])
                body = " ".join(lines[index + 1 :]).strip()
                if match and body:
                    voice = VOICE.search(body)
                    speaker = voice.group(1).strip() if voice else ""
                    cues.append(Cue(_seconds(match), TAG.sub("", body).strip(), speaker))
                break
    return cues


def _json_segments(text: str) -> list[Cue]:
    try:
        segments = json.loads(text).get("segments", [])
    except (ValueError, AttributeError):
        raise ValidationError("The JSON transcript is not valid JSON with a “segments” list.") from None
    cues = []
    for segment in segments:
        if isinstance(segment, dict) and isinstance(segment.get("startTime"), int | float) and segment.get("body"):
            cues.append(Cue(float(segment["startTime"]), str(segment["body"]), str(segment.get("speaker") or "")))
    return cues


def read_transcript(text: str, media_type: str) -> list[Cue]:
    """Cues in time order, whatever the format."""
    cues = _json_segments(text) if media_type == "application/json" else _timed_blocks(text)
    return sorted(cues, key=lambda cue: cue.start)


def validate_transcript(file) -> None:
    """An uploaded transcript must be UTF-8 and have at least one timed cue."""
    media_type = transcript_type_for(file.name)
    file.seek(0)
    raw = file.read()
    file.seek(0)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError("Transcripts must be UTF-8 text.") from None
    if not read_transcript(text, media_type):
        raise ValidationError("This transcript has no timed lines; check its format.")
