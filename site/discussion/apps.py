from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "discussion"
    verbose_name = "Discussion"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from pagecache.middleware import private_cookie

        from . import signal_handlers, tokens

        signal_handlers.register()
        private_cookie(tokens.PENDING_COOKIE)  # a reader with a held comment sees it: their page is their own
