from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "discussion"
    verbose_name = "Discussion"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pagecache import sites
        from pagecache.middleware import private_cookie

        from . import options, signal_handlers, tokens

        signal_handlers.register()
        private_cookie(tokens.PENDING_COOKIE)  # a reader with a held comment sees it: their page is their own
        sites.join("discussionsettings", options.site_found)  # the switches come with the site lookup
