from django.urls import path, re_path

from . import views

app_name = "linkbacks"

urlpatterns = [
    path("xmlrpc/", views.xmlrpc, name="xmlrpc"),
    path("webmention/", views.webmention_view, name="webmention"),
    path("webmention/status/<uuid:token>/", views.webmention_status, name="webmention-status"),
    re_path(r"^(?P<path>.+/)trackback/$", views.trackback_view, name="trackback"),
]
