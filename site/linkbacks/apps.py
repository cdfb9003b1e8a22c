from django.apps import AppConfig
from django.core import checks


class LinkbacksConfig(AppConfig):
    name = "linkbacks"
    verbose_name = "Linkbacks"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Harden the stdlib XML-RPC unmarshaller (no entities, bounded gzip) before any call is parsed.
        import defusedxml.xmlrpc

        from .signal_handlers import register_signal_handlers

        defusedxml.xmlrpc.monkey_patch()
        register_signal_handlers()
        checks.register(check_allowed_networks)


def check_allowed_networks(app_configs, **kwargs):
    """Fail at startup, not at the first linkback, when LINKBACK_ALLOWED_NETWORKS is not a list of CIDRs."""
    from django.core.exceptions import ImproperlyConfigured

    from .fetch import allowed_networks

    try:
        allowed_networks()
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="linkbacks.E001")]
    return []
