"""Times within an episode as people write them (`1:02:03`, `2:05.5`, `95`) and as players show them."""

import re

TIMECODE = re.compile(r"^(?:(?:(\d+):)?([0-5]?\d):)?(\d+(?:\.\d+)?)$")


def parse_timecode(text: str) -> float:
    """Seconds from `h:mm:ss`, `m:ss` or plain seconds, with an optional fraction; ValueError otherwise."""
    match = TIMECODE.match(text.strip())
    if not match or not text.isascii():
        raise ValueError(f"{text!r} is not a time like 1:02:03, 2:05 or 95")
    hours, minutes, seconds = match.groups()
    if (hours or minutes) and float(seconds) >= 60:
        raise ValueError(f"{text!r} has more than 59 seconds")
    return int(hours or 0) * 3600 + int(minutes or 0) * 60 + float(seconds)


def format_timecode(seconds: float, *, fraction: bool = False) -> str:
    """`H:MM:SS` (or `M:SS` under an hour), as players show time; with `fraction`, tenths are kept."""
    seconds = max(float(seconds or 0), 0.0)
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    part = round(seconds - whole, 3)
    if fraction and part:
        text += f"{part:.3f}".rstrip("0")[1:]
    return text
