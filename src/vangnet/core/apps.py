from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "vangnet.core"
    label = "core"

    def ready(self) -> None:
        # Make the configured Celery app current, so ``shared_task`` in every app binds
        # to it (eager without a broker) in web, CLI and worker processes alike.
        from vangnet.conf import celery  # noqa: F401
