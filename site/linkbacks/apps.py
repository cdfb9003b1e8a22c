from django.apps import AppConfig


class LinkbacksConfig(AppConfig):
    name = "linkbacks"
    verbose_name = "Linkbacks"
    default_auto_field = "django.db.models.BigAutoField"
