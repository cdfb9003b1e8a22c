from django.urls import path

from . import feeds, views

app_name = "discussion"

urlpatterns = [
    path("feed/", feeds.SiteResponsesFeed(), name="feed"),
    path("feed/atom/", feeds.AtomSiteResponsesFeed(), name="feed_atom"),
    path("<int:page_id>/feed/", feeds.PageResponsesFeed(), name="page_feed"),
    path("<int:page_id>/feed/atom/", feeds.AtomPageResponsesFeed(), name="page_feed_atom"),
    path("<int:page_id>/comment/", views.post_comment, name="post"),
    path("action/<str:token>/", views.action, name="action"),
    path("moderate/<str:token>/", views.moderate, name="moderate"),
]
