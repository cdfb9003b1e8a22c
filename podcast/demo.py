"""Demo content for `make run`: the show "For Immediate Release" with two short episodes.

The audio is real MPEG-1 Layer III: silent frames any player decodes, generated here so the repository
carries no binary media.
"""

FRAME_HEADER = b"\xff\xfb\x94\xc0"  # MPEG-1 Layer III, 128 kbit/s, 48 kHz, mono, no CRC
FRAME_BYTES = 384  # 144 * 128000 / 48000, no padding at 48 kHz
SAMPLES_PER_FRAME = 1152


def silent_mp3(seconds: float) -> bytes:
    """A constant-bitrate MP3 of silence lasting `seconds` (to 24 ms)."""
    frames = round(seconds * 48000 / SAMPLES_PER_FRAME)
    return (FRAME_HEADER + bytes(FRAME_BYTES - len(FRAME_HEADER))) * frames
