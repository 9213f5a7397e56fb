"""WSGI entry point used by `vangnet serve` and production servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vangnet.conf.settings")
application = get_wsgi_application()
