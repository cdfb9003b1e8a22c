from django.apps import AppConfig
from django.core import checks


class SafefetchConfig(AppConfig):
    name = "safefetch"
    verbose_name = "Safe fetch"

    def ready(self):
        checks.register(check_allowed_networks)


def check_allowed_networks(app_configs, **kwargs):
    """Fail at startup, not at the first fetch, when SAFEFETCH_ALLOWED_NETWORKS is not a list of CIDRs."""
    from django.core.exceptions import ImproperlyConfigured

    from .addresses import allowed_networks

    try:
        allowed_networks()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="safefetch.E001")]
    return []
