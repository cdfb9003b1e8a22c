from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "worker"
    verbose_name = "Task worker"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # Every app's tasks.py declares its periodic tasks with @periodic; import them all so the
        # schedule is complete in any process (the worker, `manage.py`, a test).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
