from django.apps import AppConfig


class PodcastConfig(AppConfig):
    name = "podcast"
    verbose_name = "Podcast"
    default_auto_field = "django.db.models.BigAutoField"
