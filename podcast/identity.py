"""Identifiers podcast apps rely on never changing: the show's podcast:guid and episode guids."""

import re
import uuid

PODCAST_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")


def podcast_guid_for(feed_url: str) -> str:
    """UUIDv5 of the feed URL without its scheme and trailing slashes (Podcasting 2.0 podcast:guid)."""
    bare = re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", "", feed_url.strip()).rstrip("/")
    return str(uuid.uuid5(PODCAST_NAMESPACE, bare))


def new_episode_guid() -> str:
    return str(uuid.uuid4())
