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

# The schedule (celery beat). Each task is idempotent, so a missed or doubled beat is
# harmless; times are Europe/Amsterdam (CELERY_TIMEZONE).
from celery.schedules import crontab  # noqa: E402

app.conf.beat_schedule = {
    "daily-operations": {"task": "operations.daily", "schedule": crontab(hour=6, minute=0)},
    "municipality-daily": {
        "task": "operations.municipality_daily",
        "schedule": crontab(hour=6, minute=30),
    },
    "deliver-outbox": {"task": "messaging.deliver_due", "schedule": 60.0},
    "deliver-signals": {"task": "signals_out.deliver", "schedule": 300.0},
    "print-batch": {
        "task": "messaging_channels.print_batch",
        "schedule": crontab(hour=16, minute=0),
    },
    "expire-payment-links": {
        "task": "payments.paymentlinks_expire",
        "schedule": crontab(hour=2, minute=0),
    },
    "privacy-purge": {
        "task": "vangnet.privacy.tasks.privacy_purge_task",
        "schedule": crontab(hour=3, minute=30),
    },
}
