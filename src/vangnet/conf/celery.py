"""The Celery app: one more entry point to the same service functions (STYLE.md 4).

Without ``CELERY_BROKER_URL`` tasks run eagerly in-process (the embedded default), so a
single-machine installation needs no Redis. Tasks are thin and idempotent; acks late
with prefetch 1, so a killed worker's task is redelivered, not lost.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.conf.settings")

app = Celery("vangnet")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
