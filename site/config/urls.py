from django.urls import include, path
from django.views.generic import TemplateView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from podcast.media import media_urlpatterns

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("discussion/", include("discussion.urls")),
    path("", include("wordpress.urls")),  # <post>/comment-page-N/, an old permalink's trackback/ (to linkbacks')
    path("", include("linkbacks.urls")),  # /xmlrpc/, /webmention/, <page>/trackback/
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
]

# Uploaded media with HEAD and byte ranges (podcast apps need them), in production too.
urlpatterns += media_urlpatterns()

urlpatterns += [path("", include(wagtail_urls))]

handler500 = "config.errors.server_error"
