"""WordPress's addresses below a post: ``…/comment-page-N/`` and an old permalink's ``…/trackback/``."""

from django.urls import re_path

from . import views

app_name = "wordpress"

urlpatterns = [
    re_path(r"^(?P<path>.+/)comment-page-(?P<number>[0-9]+)/$", views.comment_page, name="comment_page"),
    re_path(r"^(?P<path>.+/)trackback/$", views.trackback, name="trackback"),
]
