from django.urls import path

from pagecache.fragments import versioned_view

from . import feeds, views

# Feeds are rendered once per content version, then served from the cache (with or without the page cache).
responses_feed = versioned_view("responses-feed")

app_name = "discussion"

urlpatterns = [
    path("feed/", responses_feed(feeds.SiteResponsesFeed()), name="feed"),
    path("feed/atom/", responses_feed(feeds.AtomSiteResponsesFeed()), name="feed_atom"),
    path("<int:page_id>/feed/", responses_feed(feeds.PageResponsesFeed()), name="page_feed"),
    path("<int:page_id>/feed/atom/", responses_feed(feeds.AtomPageResponsesFeed()), name="page_feed_atom"),
    path("<int:page_id>/comment/", views.post_comment, name="post"),
    path("action/<str:token>/", views.action, name="action"),
    path("moderate/<str:token>/", views.moderate, name="moderate"),
]
