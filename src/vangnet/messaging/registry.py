"""Channel adapters by channel code; each adapter registers itself when its module loads.

``adapter_for`` imports ``vangnet.messaging.channels.registered`` lazily, so a process
that never delivers never imports WeasyPrint or an HTTP client.
"""

from __future__ import annotations

from collections.abc import Callable

from vangnet.messaging.types import ChannelAdapter

_FACTORIES: dict[str, Callable[[], ChannelAdapter]] = {}
_LOADED = False


def register(
    channel: str,
) -> Callable[[Callable[[], ChannelAdapter]], Callable[[], ChannelAdapter]]:
    """Decorator for a zero-argument factory returning the adapter for ``channel``."""

    def decorate(factory: Callable[[], ChannelAdapter]) -> Callable[[], ChannelAdapter]:
        _FACTORIES[channel] = factory
        return factory

    return decorate


def _load() -> None:
    global _LOADED
    if not _LOADED:
        _LOADED = True
        import importlib

        for module in ("vangnet.messaging.channels.registered",):
            try:
                importlib.import_module(module)
            except ModuleNotFoundError as exc:  # pragma: no cover - during bootstrapping
                if exc.name != module:
                    raise


def adapter_for(channel: str) -> ChannelAdapter:
    _load()
    try:
        factory = _FACTORIES[channel]
    except KeyError:
        raise LookupError(f"no channel adapter registered for {channel!r}") from None
    return factory()


def channels() -> list[str]:
    _load()
    return sorted(_FACTORIES)
