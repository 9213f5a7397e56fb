from __future__ import annotations

import pytest

from vangnet.messaging.channels.sandbox.cm_server import start_server

TOKEN = "test-product-token"


@pytest.fixture
def cm(settings):
    """The local CM server, with the adapters pointed at it (short client timeout)."""
    server, base_url = start_server(token=TOKEN)
    settings.VANGNET_CM_BASE_URL = base_url
    settings.VANGNET_CM_PRODUCT_TOKEN = TOKEN
    settings.VANGNET_CM_SMS_SENDER = "Waterbedr"
    settings.VANGNET_CM_TIMEOUT = 0.3
    yield server
    server.stop()


@pytest.fixture
def print_dir(settings, tmp_path):
    settings.VANGNET_PRINT_DIR = str(tmp_path / "print")
    return tmp_path / "print"


@pytest.fixture
def webhook_secret(settings) -> str:
    settings.VANGNET_WEBHOOK_SECRET = "s3cret-webhook-value"
    return settings.VANGNET_WEBHOOK_SECRET
