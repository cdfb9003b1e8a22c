"""The WordPress import; its old permalinks count as the imported pages' addresses for linkbacks."""

from django.apps import AppConfig


class WordPressConfig(AppConfig):
    name = "wordpress"
    label = "wordpress"
    verbose_name = "WordPress import"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from linkbacks.receiving import also_known_as

        from .redirects import old_roots

        also_known_as(old_roots)
