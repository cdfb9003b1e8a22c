from django.apps import AppConfig


class PodcastConfig(AppConfig):
    name = "podcast"
    verbose_name = "Podcast"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .signal_handlers import register_signal_handlers

        register_signal_handlers()
