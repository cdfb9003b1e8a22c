"""RSS 2.0 and Atom generators that carry full content and comment links.

Django's generators stop at the summary; readers want the whole post (`content:encoded`
in RSS, `<content>` in Atom), the comment thread (`wfw:commentRss`, `slash:comments`) and the
post's picture (Media RSS `media:content`, which RSS readers show as the item's image; RSS 2.0
allows one `<enclosure>`, and that belongs to the post's audio or file).
"""

from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed

CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
WFW_NS = "http://wellformedweb.org/CommentAPI/"
SLASH_NS = "http://purl.org/rss/1.0/modules/slash/"
ATOM_NS = "http://www.w3.org/2005/Atom"
THREAD_NS = "http://purl.org/syndication/thread/1.0"
MEDIA_NS = "http://search.yahoo.com/mrss/"


def add_media_content(handler, item) -> None:
    image = item.get("image")
    if image:
        attrs = {"url": image["url"], "medium": "image", "type": image["type"]}
        attrs.update({key: str(image[key]) for key in ("width", "height") if image.get(key)})
        handler.addQuickElement("media:content", "", attrs)


class PastDates:
    """The feed's date (Last-Modified, lastBuildDate, <updated>) is the newest one that has happened.

    Django takes the latest of every item's dates, so a post dated ahead set Last-Modified in the
    future, and a reader sending If-Modified-Since with it got 304 while newer posts came out.
    """

    def latest_post_date(self):
        now = timezone.now()
        dates = [
            date
            for item in self.items
            for date in (item.get("updateddate"), item.get("pubdate"))
            if date and date <= now
        ]
        return max(dates, default=now)


class ContentRssFeed(PastDates, Rss201rev2Feed):
    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:wfw": WFW_NS,
            "xmlns:slash": SLASH_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])
        if item.get("comments_feed"):
            handler.addQuickElement("wfw:commentRss", item["comments_feed"])
        if item.get("comments_count") is not None:
            handler.addQuickElement("slash:comments", str(item["comments_count"]))
        add_media_content(handler, item)


class ContentAtomFeed(PastDates, Atom1Feed):
    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:thr": THREAD_NS, "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        if item.get("comments_feed"):
            attrs = {"rel": "replies", "type": "application/atom+xml", "href": item["comments_feed"]}
            if item.get("comments_count") is not None:
                attrs["thr:count"] = str(item["comments_count"])
            handler.addQuickElement("link", "", attrs)
        if item.get("in_reply_to"):
            handler.addQuickElement("thr:in-reply-to", "", {"ref": item["in_reply_to"], "href": item["in_reply_to"]})
        add_media_content(handler, item)
