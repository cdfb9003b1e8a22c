"""A post's public date is its go-live time, so a future date schedules the post, never publishes it early.

Wagtail publishes at once unless `go_live_at` is set; authors type the date they want on the post
("publish date"), as in WordPress, not in the schedule dialog four clicks away. The two are kept in
step whenever a post is saved: a future date becomes the go-live time, and a go-live time later than
the date becomes the date, so a post published by the scheduler shows when it went live.
"""

from datetime import datetime

from django.utils import timezone


def align_publish_date(post, now: datetime | None = None) -> None:
    """Make `post.date` and `post.go_live_at` agree before the post is saved or published."""
    now = now or timezone.now()
    if post.go_live_at and post.go_live_at > now:
        post.date = post.go_live_at
    elif post.date and post.date > now:
        post.go_live_at = post.date
