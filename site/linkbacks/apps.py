from django.apps import AppConfig


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
