"""Provider plugins by code (open-forms ``payments/registry.py``).

``@register("code")`` on a ``Provider`` subclass makes it available; the plugin modules are
imported lazily on first lookup so importing the registry stays cheap and cycle-free.
"""

from __future__ import annotations

from importlib import import_module

from vangnet.payments.base import Provider

_PLUGINS: dict[str, type[Provider]] = {}
_PLUGIN_MODULES = (
    "vangnet.payments.contrib.mollie.plugin",
    "vangnet.payments.contrib.testprovider.plugin",
)
_loaded = False


def register(code: str):  # type: ignore[no-untyped-def]
    def decorator(cls: type[Provider]) -> type[Provider]:
        if code in _PLUGINS and _PLUGINS[code] is not cls:
            raise ValueError(f"payment provider {code!r} is already registered")
        cls.code = code
        _PLUGINS[code] = cls
        return cls

    return decorator


def _load() -> None:
    global _loaded
    if not _loaded:
        for module in _PLUGIN_MODULES:
            import_module(module)
        _loaded = True


def provider_get(code: str) -> Provider:
    """A fresh plugin instance (plugins read their settings when created)."""
    _load()
    try:
        return _PLUGINS[code]()
    except KeyError:
        raise LookupError(f"unknown payment provider {code!r}; known: {sorted(_PLUGINS)}") from None


def provider_codes() -> list[str]:
    _load()
    return sorted(_PLUGINS)
