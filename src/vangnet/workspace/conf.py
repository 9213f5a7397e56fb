"""Settings of the workspace, read from the environment when used (not at import).

- ``VANGNET_CALL_GUIDES_FILE`` (default: the bundled ``data/call_guides.yaml``): a YAML
  file with the conversation guide per segment code (``default`` for segments without
  their own). Organisations write their own guide there without a code change; the
  file is re-read when it changes.
- ``VANGNET_QUEUE_PAGE_SIZE`` (default 25): rows per page of the call list and the
  visit planning list. Twenty-five calls is about a morning's work for one collector.
"""

from __future__ import annotations

from pathlib import Path

from vangnet.conf.env import env_int, env_str

BUNDLED_GUIDES = Path(__file__).resolve().parent / "data" / "call_guides.yaml"


def call_guides_file() -> Path:
    raw = env_str("VANGNET_CALL_GUIDES_FILE", "")
    return Path(raw) if raw else BUNDLED_GUIDES


def queue_page_size() -> int:
    return max(5, env_int("VANGNET_QUEUE_PAGE_SIZE", 25))
