"""A local CM.com Business Messaging server: the real adapter is tested against it.

It speaks the documented JSON API (``POST /v1.0/message``), validates the product token
and every message the way CM describes its error codes, dedupes on ``reference`` (so a
retry after a timeout never produces a second message), records what it accepted, and
can inject faults — per recipient or for any recipient — and post CM-shaped status
reports and incoming messages (MO) to configured webhook URLs.

Start it from Python::

    server, base_url = start_server(token="test-token", status_url=…, inbound_url=…)
    server.inject("timeout", number="+31612345678", times=1, delay=0.5)
    …
    server.stop()

or from a shell for the demo: ``python -m vangnet.messaging.channels.sandbox.cm_server
--port 8025 --token demo --status-url http://127.0.0.1:8000/messaging/channels/cm/status/?secret=…``.

Control endpoints (JSON): ``POST /_control/fault`` {kind, number?, times?, delay?,
retry_after?}, ``POST /_control/reset``, ``GET /_control/messages``, ``POST
/_control/report`` {reference, code?}, ``POST /_control/inbound`` {from, text, channel?}.

Only the standard library is used, so the demo needs nothing extra.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

FAULT_KINDS = ("timeout", "rate_limit", "server_error", "invalid_number", "disconnect")
_NUMBER = re.compile(r"^(?:\+|00)([1-9][0-9]{7,14})$")
_REFERENCE = re.compile(r"^[A-Za-z0-9]{1,32}$")
_SENDER_ALNUM = re.compile(r"^[A-Za-z0-9 ]{1,11}$")
_SENDER_DIGITS = re.compile(r"^\+?[0-9]{1,16}$")
CM_CHANNELS = {"SMS", "WhatsApp", "Push", "RCS", "Viber", "Apple Messages for Business"}


def _digits(number: str) -> str:
    match = _NUMBER.match((number or "").strip())
    return match.group(1) if match else ""


def _valid_msisdn(digits: str) -> bool:
    """A real number plan check (phonenumbers when installed, else the length rule)."""
    try:
        import phonenumbers
    except ImportError:  # pragma: no cover - vangnet always has it
        return 8 <= len(digits) <= 15
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse("+" + digits, None))
    except phonenumbers.NumberParseException:
        return False


@dataclass
class Fault:
    kind: str
    number: str = ""  # digits only; '' = any recipient
    times: int | None = 1  # None = until reset
    delay: float = 1.0  # timeout: seconds to stall before answering
    retry_after: int = 1  # rate_limit: Retry-After seconds


@dataclass
class SandboxState:
    token: str
    status_url: str = ""
    inbound_url: str = ""
    auto_report: bool = False
    messages: list[dict[str, Any]] = field(default_factory=list)
    by_reference: dict[str, dict[str, Any]] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    requests: int = 0
    duplicates: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def take_fault(self, digits: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.number and fault.number != digits:
                    continue
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None


class CMSandboxServer(ThreadingHTTPServer):
    """The HTTP server plus helpers for tests (inject faults, read messages, post webhooks)."""

    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that gave up (timeout fault) is expected here; stay quiet about it."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    def __init__(self, address: tuple[str, int], state: SandboxState) -> None:
        super().__init__(address, _Handler)
        self.state = state

    # -- helpers for tests and the demo -------------------------------------------------

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def inject(self, kind: str, *, number: str = "", times: int | None = 1, **options: Any) -> None:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; one of {', '.join(FAULT_KINDS)}")
        digits = _digits(number) if number else ""
        if number and not digits:
            raise ValueError(f"fault number must be +… or 00…, got {number!r}")
        with self.state.lock:
            self.state.faults.append(Fault(kind=kind, number=digits, times=times, **options))

    def reset(self) -> None:
        with self.state.lock:
            self.state.faults.clear()
            self.state.messages.clear()
            self.state.by_reference.clear()
            self.state.requests = self.state.duplicates = 0

    def messages(self) -> list[dict[str, Any]]:
        with self.state.lock:
            return [dict(m) for m in self.state.messages]

    def send_status_report(
        self, reference: str, *, code: int = 2, error_code: str = "", error_description: str = ""
    ) -> int:
        """POST CM's JSON status report for ``reference``; returns our webhook's HTTP status.

        Codes (CM): 0 accepted by the operator, 1 rejected by CM or the operator,
        2 delivered, 3 failed, 4 read (not for SMS).
        """
        with self.state.lock:
            msg = self.state.by_reference.get(reference, {})
        report = {
            "messages": {
                "msg": {
                    "received": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
                    "to": msg.get("to", ""),
                    "reference": reference,
                    "status": {
                        "code": str(code),
                        "errorCode": error_code,
                        "errorDescription": error_description,
                    },
                    "operator": "sandbox",
                }
            }
        }
        return _post_json(self.state.status_url, report)

    def send_inbound(
        self,
        *,
        from_number: str,
        text: str,
        channel: str = "SMS",
        to_number: str = "",
        reference: str = "",
        at: datetime | None = None,
    ) -> int:
        """POST CM's JSON for an incoming message (MO); returns our webhook's HTTP status."""
        at = at or datetime.now(UTC)
        payload = {
            "reference": reference,
            "messageContext": "",
            "from": {"number": from_number, "name": ""},
            "to": {"number": to_number or "0031970102030"},
            "message": {"text": text, "media": {"mediaUri": "", "contentType": "", "title": ""}},
            "groupings": ["", "", ""],
            "time": at.strftime("%Y-%m-%d %H:%M:%S"),
            "timeUtc": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
            "channel": channel,
        }
        return _post_json(self.state.inbound_url, payload)

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


def _post_json(url: str, payload: dict[str, Any]) -> int:
    if not url:
        raise RuntimeError("no webhook URL configured on the CM sandbox")
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


class _Handler(BaseHTTPRequestHandler):
    server: CMSandboxServer
    protocol_version = "HTTP/1.1"  # keep-alive, like CM's gateway
    # Headers and body are separate writes: without this, Nagle + the client's delayed
    # ACK add ~40 ms to every response on a kept-alive connection.
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet in tests

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        raw = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)

    def _read_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw.decode("utf-8")) if raw else None

    def do_GET(self) -> None:
        if self.path.startswith("/_control/messages"):
            self._send(200, {"messages": self.server.messages()})
        else:
            self._send(404, {"details": "not found"})

    def do_POST(self) -> None:
        try:
            body = self._read_json()
        except (ValueError, UnicodeDecodeError):
            self._send(400, {"details": "Malformed JSON", "errorCode": 202, "messages": []})
            return
        path = self.path.split("?")[0].rstrip("/")
        if path == "/v1.0/message":
            self._message(body)
        elif path.startswith("/_control/"):
            self._control(path.removeprefix("/_control/"), body or {})
        else:
            self._send(404, {"details": "not found"})

    # -- the API ----------------------------------------------------------------------

    def _message(self, body: Any) -> None:
        state = self.server.state
        with state.lock:
            state.requests += 1
        messages = body.get("messages") if isinstance(body, dict) else None
        if not isinstance(messages, dict):
            self._send(400, {"details": "Malformed request", "errorCode": 202, "messages": []})
            return
        token = (messages.get("authentication") or {}).get("producttoken")
        if not token:
            self._send(
                401, {"details": "No authentication provided", "errorCode": 101, "messages": []}
            )
            return
        if token != state.token:
            self._send(401, {"details": "Invalid product token", "errorCode": 103, "messages": []})
            return
        msgs = messages.get("msg")
        if not isinstance(msgs, list) or not msgs:
            self._send(400, {"details": "No messages", "errorCode": 203, "messages": []})
            return
        first_to = (msgs[0].get("to") or [{}])[0] if isinstance(msgs[0], dict) else {}
        fault = state.take_fault(_digits(str(first_to.get("number", ""))))
        if fault is not None:
            if fault.kind == "timeout":
                time.sleep(fault.delay)  # the client gives up; CM still accepts below
            elif fault.kind == "rate_limit":
                self._send(
                    429,
                    {"details": "Too many requests", "errorCode": 999, "messages": []},
                    {"Retry-After": str(fault.retry_after)},
                )
                return
            elif fault.kind == "server_error":
                self._send(500, {"details": "Internal server error", "errorCode": 500})
                return
            elif fault.kind == "disconnect":
                self.close_connection = True
                self.connection.close()
                return
        results, accepted, errors = [], [], 0
        for msg in msgs:
            code, detail = self._validate(msg)
            if fault is not None and fault.kind == "invalid_number" and code == 0:
                code, detail = 303, "Recipient number is not a valid mobile number"
            number = ""
            if isinstance(msg, dict) and msg.get("to"):
                number = str(msg["to"][0].get("number", ""))
            reference = str(msg.get("reference", "")) if isinstance(msg, dict) else ""
            content = str(
                ((msg.get("body") or {}) if isinstance(msg, dict) else {}).get("content", "")
            )
            parts = 1 if len(content) <= 160 else math.ceil(len(content) / 153)
            if code:
                errors += 1
                results.append(
                    {
                        "to": number,
                        "status": "Rejected",
                        "reference": reference,
                        "parts": 0,
                        "messageDetails": detail,
                        "messageErrorCode": code,
                    }
                )
                continue
            results.append(
                {
                    "to": number,
                    "status": "Accepted",
                    "reference": reference,
                    "parts": parts,
                    "messageDetails": None,
                    "messageErrorCode": 0,
                }
            )
            accepted.append((reference, number, msg, content, parts))
        self._record(accepted)
        if errors:
            self._send(
                400,
                {
                    "details": f"Created {len(results) - errors} message(s)",
                    "errorCode": 201,
                    "messages": results,
                },
            )
            return
        self._send(
            200,
            {
                "details": f"Created {len(results)} message(s)",
                "errorCode": 0,
                "messages": results,
            },
        )

    def _validate(self, msg: Any) -> tuple[int, str]:
        if not isinstance(msg, dict):
            return 203, "Message is not an object"
        sender = str(msg.get("from") or "")
        if not (_SENDER_ALNUM.match(sender) or _SENDER_DIGITS.match(sender)):
            return 301, "From field is invalid (max 11 alphanumerics or 16 digits)"
        to = msg.get("to")
        if not isinstance(to, list) or len(to) != 1 or not isinstance(to[0], dict):
            return 302, "To field is invalid (one recipient per message here)"
        digits = _digits(str(to[0].get("number", "")))
        if not digits or not _valid_msisdn(digits):
            return 303, "Recipient number is not a valid mobile number"
        body = msg.get("body")
        if not isinstance(body, dict) or not str(body.get("content") or "").strip():
            return 304, "Body field is empty"
        if body.get("type", "auto") not in ("auto", "plain", "binary"):
            return 304, "Body type is invalid"
        reference = msg.get("reference")
        if reference is not None and not _REFERENCE.match(str(reference)):
            return 305, "Reference must be 1-32 alphanumeric characters"
        channels = msg.get("allowedChannels")
        if channels is not None and (
            not isinstance(channels, list) or not set(channels) <= CM_CHANNELS
        ):
            return 305, "allowedChannels contains an unknown channel"
        return 0, ""

    def _record(self, accepted: list[tuple[str, str, dict, str, int]]) -> None:
        state = self.server.state
        fresh: list[str] = []
        with state.lock:
            for reference, number, msg, content, parts in accepted:
                if reference and reference in state.by_reference:
                    state.duplicates += 1
                    continue
                row = {
                    "reference": reference,
                    "to": number,
                    "from": msg.get("from"),
                    "channels": list(msg.get("allowedChannels") or []),
                    "content": content,
                    "parts": parts,
                    "received_at": datetime.now(UTC).isoformat(),
                }
                state.messages.append(row)
                if reference:
                    state.by_reference[reference] = row
                    fresh.append(reference)
        if state.auto_report and state.status_url:
            for reference in fresh:
                threading.Thread(
                    target=self.server.send_status_report, args=(reference,), daemon=True
                ).start()

    # -- control ------------------------------------------------------------------------

    def _control(self, action: str, body: dict[str, Any]) -> None:
        server = self.server
        try:
            if action == "fault":
                options = {k: body[k] for k in ("delay", "retry_after") if k in body}
                server.inject(
                    str(body.get("kind")),
                    number=str(body.get("number") or ""),
                    times=body.get("times", 1),
                    **options,
                )
                self._send(200, {"ok": True})
            elif action == "reset":
                server.reset()
                self._send(200, {"ok": True})
            elif action == "report":
                status = server.send_status_report(
                    str(body["reference"]), code=int(body.get("code", 2))
                )
                self._send(200, {"webhook_status": status})
            elif action == "inbound":
                status = server.send_inbound(
                    from_number=str(body["from"]),
                    text=str(body.get("text", "")),
                    channel=str(body.get("channel", "SMS")),
                )
                self._send(200, {"webhook_status": status})
            else:
                self._send(404, {"details": f"unknown control action {action!r}"})
        except (KeyError, ValueError, TypeError, RuntimeError) as exc:
            self._send(400, {"details": str(exc)})


def start_server(
    *,
    token: str = "sandbox-token",
    status_url: str = "",
    inbound_url: str = "",
    auto_report: bool = False,
    host: str = "127.0.0.1",
    port: int = 0,
) -> tuple[CMSandboxServer, str]:
    """Start the sandbox in a daemon thread; returns the server and its base URL."""
    state = SandboxState(
        token=token, status_url=status_url, inbound_url=inbound_url, auto_report=auto_report
    )
    server = CMSandboxServer((host, port), state)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="cm-sandbox", daemon=True
    )
    thread.start()
    return server, server.base_url


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local CM.com Business Messaging sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--token", default="sandbox-token")
    parser.add_argument("--status-url", default="")
    parser.add_argument("--inbound-url", default="")
    parser.add_argument("--auto-report", action="store_true", help="report every message delivered")
    args = parser.parse_args(argv)
    server, base_url = start_server(
        token=args.token,
        status_url=args.status_url,
        inbound_url=args.inbound_url,
        auto_report=args.auto_report,
        host=args.host,
        port=args.port,
    )
    print(f"CM sandbox on {base_url} (token {args.token!r}); Ctrl-C stops it")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
