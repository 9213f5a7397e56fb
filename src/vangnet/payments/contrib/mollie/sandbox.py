"""A local stand-in for Mollie's Payments API v2, for tests and the offline demo.

A threaded stdlib HTTP server that speaks the part of the API vangnet uses, the way the
documentation describes it: Bearer-key authentication (``test_``/``live_`` prefix),
``POST /v2/payments`` with validation of amount, description, URLs and method, the
``Idempotency-Key`` header (same key + same body = same answer; same key + other body =
422), ``GET /v2/payments/{id}``, answers and errors in ``application/hal+json``. Its
checkout page lets a person (or a test) pay or cancel; the server then POSTs
``id=tr_…`` to the payment's webhook URL, unsigned, just like Mollie.

Faults for tests: ``fail_next(status)`` answers the next API call with that status,
``delay_next(seconds)`` makes it slow (client time-outs), ``tamper_amount(id, value)``
changes what a fetch reports, ``notify(id)`` sends the webhook again (duplicates).

    with MollieSandbox() as mollie:
        settings.MOLLIE_API_BASE_URL = mollie.base_url
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DEFAULT_KEY = "test_sandboxsandboxsandboxsandbox"
AMOUNT_RE = re.compile(r"^\d{1,7}\.\d{2}$")
MAX_AMOUNT = Decimal("50000.00")
MIN_AMOUNT = Decimal("0.01")
DOCS = "https://docs.mollie.com/reference/v2/payments-api/create-payment"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


@dataclass
class WebhookCall:
    payment_id: str
    url: str
    status: int | None
    error: str = ""


@dataclass
class _Fault:
    status: int | None = None
    delay: float = 0.0


@dataclass
class _State:
    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotency: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    faults: list[_Fault] = field(default_factory=list)
    webhook_calls: list[WebhookCall] = field(default_factory=list)
    api_calls: list[tuple[str, str]] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without TCP_NODELAY the second one waits
    # for the client's delayed ACK (~40 ms a call), which would dominate every timing.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass

    # -- plumbing --------------------------------------------------------------------------

    def _send(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def _json(self, status: int, data: dict[str, Any]) -> None:
        self._send(status, json.dumps(data).encode(), "application/hal+json")

    def _error(self, status: int, title: str, detail: str, field_name: str = "") -> None:
        data: dict[str, Any] = {
            "status": status,
            "title": title,
            "detail": detail,
            "_links": {"documentation": {"href": DOCS, "type": "text/html"}},
        }
        if field_name:
            data["field"] = field_name
        self._json(status, data)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _authorised(self) -> bool:
        auth = self.headers.get("Authorization", "")
        key = auth.removeprefix("Bearer ").strip()
        if not auth.startswith("Bearer ") or key != self.server.api_key:
            self._error(
                401, "Unauthorized Request", "Missing authentication, or failed to authenticate"
            )
            return False
        return True

    def _fault(self) -> bool:
        """Apply a queued fault to this API call; True when the call is answered by it."""
        with self.server.lock:
            fault = self.server.state.faults.pop(0) if self.server.state.faults else None
        if fault is None:
            return False
        if fault.delay:
            time.sleep(fault.delay)
        if fault.status is None:
            return False
        if fault.status == 422:
            self._error(
                422, "Unprocessable Entity", "The amount is higher than the maximum", "amount"
            )
        else:
            self._error(
                fault.status, "Internal Server Error", "Something went wrong (sandbox fault)"
            )
        return True

    # -- routes ----------------------------------------------------------------------------

    def do_GET(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        if m := re.fullmatch(r"/v2/payments/([A-Za-z0-9_]+)", path):
            self.server.state.api_calls.append(("GET", path))
            if not self._authorised() or self._fault():
                return
            payment = self.server.payment_resource(m.group(1))
            if payment is None:
                self._error(404, "Not Found", f"No payment exists with token {m.group(1)}.")
            else:
                self._json(200, payment)
        elif m := re.fullmatch(r"/checkout/(tr_[A-Za-z0-9]+)", path):
            self._checkout_page(m.group(1))
        else:
            self._error(404, "Not Found", "The resource could not be found.")

    def do_POST(self) -> None:
        path = urllib.parse.urlsplit(self.path).path
        body = self._body()
        if path == "/v2/payments":
            self.server.state.api_calls.append(("POST", path))
            if not self._authorised() or self._fault():
                return
            self._create(body)
        elif m := re.fullmatch(r"/checkout/(tr_[A-Za-z0-9]+)", path):
            form = urllib.parse.parse_qs(body.decode())
            action = (form.get("action") or [""])[0]
            status = {"pay": "paid", "cancel": "canceled", "fail": "failed"}.get(action)
            payment = self.server.state.payments.get(m.group(1))
            if payment is None or status is None:
                self._send(404, b"Unknown payment", "text/plain; charset=utf-8")
                return
            self.server.complete(m.group(1), status=status)
            self._send(303, b"", "text/plain", {"Location": payment["redirectUrl"]})
        else:
            self._error(404, "Not Found", "The resource could not be found.")

    def _create(self, body: bytes) -> None:
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            self._error(400, "Bad Request", "The request body is not valid JSON")
            return
        if not isinstance(data, dict):
            self._error(400, "Bad Request", "The request body must be a JSON object")
            return
        key = self.headers.get("Idempotency-Key", "")
        digest = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
        if key:
            with self.server.lock:
                seen = self.server.state.idempotency.get(key)
            if seen is not None:
                if seen[0] != digest:
                    self._error(
                        422,
                        "Unprocessable Entity",
                        "The idempotency key was used before with a different request body",
                        "Idempotency-Key",
                    )
                else:
                    self._json(201, self.server.payment_resource(seen[1]["id"]) or seen[1])
                return
        problem = _validate(data)
        if problem:
            self._error(422, "Unprocessable Entity", problem[1], problem[0])
            return
        payment = self.server.add_payment(data)
        if key:
            with self.server.lock:
                self.server.state.idempotency[key] = (digest, payment)
        self._json(201, self.server.payment_resource(payment["id"]) or payment)

    def _checkout_page(self, payment_id: str) -> None:
        payment = self.server.payment_resource(payment_id)
        if payment is None:
            self._send(404, b"Unknown payment", "text/plain; charset=utf-8")
            return
        amount = html.escape(payment["amount"]["value"])
        desc = html.escape(payment["description"])
        page = f"""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Mollie sandbox – iDEAL</title></head><body>
<h1>iDEAL (Mollie sandbox)</h1><p>{desc}</p><p>Bedrag: € {amount}</p>
<p>Status: <span id="status">{html.escape(payment["status"])}</span></p>
<form method="post"><button name="action" value="pay">Betalen</button>
<button name="action" value="cancel">Annuleren</button>
<button name="action" value="fail">Laten mislukken</button></form></body></html>"""
        self._send(200, page.encode(), "text/html; charset=utf-8")


def _validate(data: dict[str, Any]) -> tuple[str, str] | None:
    amount = data.get("amount")
    if not isinstance(amount, dict) or "value" not in amount or "currency" not in amount:
        return "amount", "The amount is required and must contain a currency and a value"
    if amount["currency"] != "EUR":
        return "amount.currency", "The currency is not supported for this payment method"
    if not isinstance(amount["value"], str) or not AMOUNT_RE.match(amount["value"]):
        return "amount.value", "The amount value must be a string with exactly two decimals"
    value = Decimal(amount["value"])
    if value < MIN_AMOUNT:
        return "amount", "The amount is lower than the minimum"
    if value > MAX_AMOUNT:
        return "amount", "The amount is higher than the maximum"
    if not str(data.get("description") or "").strip():
        return "description", "The description is invalid"
    for name in ("redirectUrl", "webhookUrl"):
        url = data.get(name)
        if name == "webhookUrl" and url in (None, ""):
            continue
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return name, f"The {name} is invalid"
    if data.get("method") not in (None, "ideal"):
        return "method", "The payment method is invalid"
    return None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], api_key: str, webhook_timeout: float) -> None:
        super().__init__(address, _Handler)
        self.api_key = api_key
        self.webhook_timeout = webhook_timeout
        self.lock = threading.Lock()
        self.state = _State()

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (time-out tests) is expected; anything else is printed."""
        import sys

        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def add_payment(self, data: dict[str, Any]) -> dict[str, Any]:
        payment_id = "tr_" + secrets.token_hex(5)
        created = _now()
        payment = {
            "resource": "payment",
            "id": payment_id,
            "mode": "live" if self.api_key.startswith("live_") else "test",
            "createdAt": _iso(created),
            "amount": {"value": data["amount"]["value"], "currency": "EUR"},
            "description": data["description"],
            "method": data.get("method"),
            "metadata": data.get("metadata"),
            "status": "open",
            "isCancelable": False,
            "expiresAt": _iso(created + timedelta(minutes=15)),
            "profileId": "pfl_sandbox01",
            "sequenceType": "oneoff",
            "redirectUrl": data["redirectUrl"],
            "webhookUrl": data.get("webhookUrl") or "",
        }
        with self.lock:
            self.state.payments[payment_id] = payment
        return payment

    def payment_resource(self, payment_id: str) -> dict[str, Any] | None:
        with self.lock:
            stored = self.state.payments.get(payment_id)
            if stored is None:
                return None
            payment = json.loads(json.dumps(stored))
        payment["_links"] = {
            "self": {
                "href": f"{self.base_url}/v2/payments/{payment_id}",
                "type": "application/hal+json",
            },
            "documentation": {"href": DOCS, "type": "text/html"},
        }
        if payment["status"] == "open":
            payment["_links"]["checkout"] = {
                "href": f"{self.base_url}/checkout/{payment_id}",
                "type": "text/html",
            }
        return payment

    def complete(self, payment_id: str, *, status: str = "paid", notify: bool = True) -> None:
        with self.lock:
            payment = self.state.payments[payment_id]
            payment["status"] = status
            stamp = _iso(_now())
            if status == "paid":
                payment["paidAt"] = stamp
            elif status in ("canceled", "expired", "failed"):
                payment[
                    {"canceled": "canceledAt", "expired": "expiredAt", "failed": "failedAt"}[status]
                ] = stamp
        if notify:
            self.notify(payment_id)

    def notify(self, payment_id: str) -> WebhookCall:
        """POST ``id=…`` to the payment's webhook URL (form-encoded, unsigned)."""
        with self.lock:
            url = self.state.payments[payment_id].get("webhookUrl") or ""
        return self.post_webhook(url, payment_id)

    def post_webhook(self, url: str, payment_id: str) -> WebhookCall:
        if not url:
            call = WebhookCall(payment_id, url, None, "no webhook URL")
        else:
            request = urllib.request.Request(
                url,
                data=urllib.parse.urlencode({"id": payment_id}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
                method="POST",
            )
            try:
                with urllib.request.urlopen(request, timeout=self.webhook_timeout) as response:
                    call = WebhookCall(payment_id, url, response.status)
            except urllib.error.HTTPError as exc:
                call = WebhookCall(payment_id, url, exc.code, str(exc))
            except OSError as exc:
                call = WebhookCall(payment_id, url, None, str(exc))
        with self.lock:
            self.state.webhook_calls.append(call)
        return call


class MollieSandbox:
    """Start/stop wrapper; use as a context manager or call ``start()``/``stop()``."""

    def __init__(
        self,
        *,
        api_key: str = DEFAULT_KEY,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_timeout: float = 10.0,
    ) -> None:
        self.api_key = api_key
        self._server = _Server((host, port), api_key, webhook_timeout)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return self._server.base_url

    @property
    def state(self) -> _State:
        return self._server.state

    @property
    def webhook_calls(self) -> list[WebhookCall]:
        return list(self._server.state.webhook_calls)

    def start(self) -> MollieSandbox:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="mollie-sandbox", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def __enter__(self) -> MollieSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- test controls ---------------------------------------------------------------------

    def fail_next(self, status: int = 500, *, count: int = 1) -> None:
        with self._server.lock:
            self._server.state.faults.extend(_Fault(status=status) for _ in range(count))

    def delay_next(self, seconds: float) -> None:
        with self._server.lock:
            self._server.state.faults.append(_Fault(delay=seconds))

    def complete(self, payment_id: str, *, status: str = "paid", notify: bool = True) -> None:
        self._server.complete(payment_id, status=status, notify=notify)

    def notify(self, payment_id: str) -> WebhookCall:
        return self._server.notify(payment_id)

    def post_webhook(self, url: str, payment_id: str) -> WebhookCall:
        return self._server.post_webhook(url, payment_id)

    def tamper_amount(self, payment_id: str, value: str) -> None:
        with self._server.lock:
            self._server.state.payments[payment_id]["amount"]["value"] = value

    def payment(self, payment_id: str) -> dict[str, Any] | None:
        return self._server.payment_resource(payment_id)


def main() -> None:  # pragma: no cover - manual use
    """``python -m vangnet.payments.contrib.mollie.sandbox [PORT]`` for local experiments."""
    import sys

    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8765
    sandbox = MollieSandbox(port=port)
    print(f"Mollie sandbox on {sandbox.base_url} (API key {sandbox.api_key}); Ctrl-C stops")
    sandbox._server.serve_forever()


if __name__ == "__main__":  # pragma: no cover
    main()
