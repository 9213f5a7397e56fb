"""A second vangnet instance (the municipality) in its own process, for the end-to-end test.

The municipality gets its own database (a fresh SQLite file, or a fresh PostgreSQL
database on the server the test run uses), is prepared with the operator's own commands
(``migrate``, ``signals_in templates``, ``signals_in partner``) and served with
``vangnet serve`` on a free loopback port. Anything the test wants to know about the
municipality's state it asks that process (``vangnet shell -c``), never the creditor's
test database: the two instances share nothing but HTTP.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings

import requests

COMMAND_TIMEOUT = 90  # seconds per CLI call; a migrate on a slow CI box takes ~10 s
START_TIMEOUT = 30  # seconds for the server to answer
RESULT_MARK = "E2E-RESULT:"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class MunicipalityDatabase:
    """The municipality's own database, on the same engine as the test run's."""

    def __init__(self, tmp_path: Path) -> None:
        db = settings.DATABASES["default"]
        self.vendor = "postgresql" if "postgresql" in db["ENGINE"] else "sqlite"
        self._db = db
        if self.vendor == "sqlite":
            self.name = str(tmp_path / "muni.sqlite3")
            self.url = f"sqlite:///{self.name}"
        else:
            self.name = f"vangnet_muni_{secrets.token_hex(4)}"
            user = quote(db.get("USER") or "postgres")
            password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
            host = db.get("HOST") or "127.0.0.1"
            port = db.get("PORT") or 5432
            self.url = f"postgres://{user}{password}@{host}:{port}/{self.name}"

    def _admin(self, sql: str) -> None:
        import psycopg

        db = self._db
        with psycopg.connect(
            host=db.get("HOST") or "127.0.0.1",
            port=db.get("PORT") or 5432,
            user=db.get("USER") or "postgres",
            password=db.get("PASSWORD") or None,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(sql)

    def create(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f'CREATE DATABASE "{self.name}"')

    def drop(self) -> None:
        if self.vendor == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@dataclass
class Municipality:
    """Handle on the municipality instance: its environment, CLI and server process."""

    home: Path
    database: MunicipalityDatabase
    port: int = field(default_factory=free_port)
    server: subprocess.Popen | None = None
    log: list[str] = field(default_factory=list)
    partner_secrets: dict[str, str] = field(default_factory=dict)  # key id → issued secret

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def intake_url(self) -> str:
        return f"{self.base_url}/signals/in/api/signals/"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "vangnet.conf.settings",
                "DATABASE_URL": self.database.url,
                "VANGNET_HOME": str(self.home),
                "VANGNET_ORGANISATION_KIND": "municipality",
                "VANGNET_MUNICIPALITY_CODE": "0344",
                "VANGNET_BASE_URL": self.base_url,
                "CELERY_BROKER_URL": "",
                "DEBUG": "0",
            }
        )
        return env

    def cli(self, *args: str) -> str:
        """``vangnet <args>`` in the municipality's environment; its stdout."""
        started = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "vangnet", *args],
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            cwd=self.home,
        )
        self.log.append(f"vangnet {args[0]} {args[1] if len(args) > 1 else ''}".strip())
        self.log[-1] += f" ({time.monotonic() - started:.1f} s)"
        assert proc.returncode == 0, (
            f"municipality `vangnet {' '.join(args)[:200]}` failed ({proc.returncode}):\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}"
        )
        return proc.stdout

    def shell(self, code: str) -> Any:
        """Run Python in the municipality (``vangnet shell -c``); it must call ``emit(x)``.

        Returns ``x`` (JSON round-tripped). Used to read the municipality's state, and for
        the one step that is a staff decision with no API (the BRP check)."""
        prelude = (
            "import json\n"
            f"def emit(value):\n    print({RESULT_MARK!r} + json.dumps(value, default=str))\n"
        )
        out = self.cli("shell", "-c", prelude + code)
        lines = [line for line in out.splitlines() if line.startswith(RESULT_MARK)]
        assert lines, f"the municipality's shell printed no result:\n{out[-2000:]}"
        return json.loads(lines[-1][len(RESULT_MARK) :])

    def partner_register(self, *, name: str, partner_type: str, key_id: str, feedback_url: str):
        """The operator's command; returns the secret it shows once."""
        out = self.cli(
            "signals_in",
            "partner",
            "--name",
            name,
            "--type",
            partner_type,
            "--key-id",
            key_id,
            "--feedback-url",
            feedback_url,
        )
        found = re.search(r"secret \(shown once[^)]*\): (\S+)", out)
        assert found, f"no secret in the partner command's output:\n{out}"
        return found.group(1)

    @property
    def server_log(self) -> Path:
        return self.home / "server.log"

    def server_output(self) -> str:
        """The server's output so far (for assertion messages)."""
        try:
            return self.server_log.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def launch(self) -> None:
        """Start ``vangnet serve`` (returns at once; ``wait_ready`` waits for it)."""
        command = [sys.executable, "-m", "vangnet", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--threads", "4"]
        # Output to a file, not a pipe: a pipe nobody reads fills up and stalls the server.
        with self.server_log.open("w") as log:
            self.server = subprocess.Popen(
                command,
                env=self.env(),
                cwd=self.home,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def wait_ready(self) -> None:
        assert self.server is not None, "launch() the server first"
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise AssertionError(
                    f"the municipality server exited early:\n{self.server_output()}"
                )
            try:
                # The intake API answers a GET with 405: enough to know it is serving.
                requests.get(self.intake_url, timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.1)
        raise AssertionError(
            f"the municipality server did not answer within {START_TIMEOUT} s:\n"
            f"{self.server_output()}"
        )

    def stop(self) -> None:
        if self.server is None:
            return
        if self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(timeout=10)
        self.server = None
