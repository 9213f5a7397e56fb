"""Which municipality a signal goes to, and how.

The person's home address decides (the municipality where the customer *lives* —
DOMAIN.md); the supply address is the fallback. An address that already carries a
gemeentecode is trusted; otherwise the four-digit postcode is looked up in the bundled
CBS table (``parties.geography``) and matched to an endpoint by municipality name.
"""

from __future__ import annotations

from dataclasses import dataclass

from vangnet.parties import geography
from vangnet.signals.outgoing import conf
from vangnet.signals.outgoing.constants import DeliveryMethod
from vangnet.signals.outgoing.models import MunicipalityEndpoint


@dataclass(frozen=True)
class Route:
    postcode: str
    code: str
    name: str
    endpoint: MunicipalityEndpoint | None
    threshold_cents: int
    method: str
    problem: str = ""  # a reason code when the signal cannot be routed

    def as_json(self) -> dict[str, object]:
        return {
            "postcode": self.postcode,
            "municipality_code": self.code,
            "municipality": self.name,
            "method": self.method,
            "threshold_cents": self.threshold_cents,
        }


class Router:
    """Loads the endpoints once; ``route`` is then a dictionary lookup per case."""

    def __init__(self) -> None:
        endpoints = list(MunicipalityEndpoint.objects.filter(active=True))
        self.by_code = {e.code: e for e in endpoints}
        self.by_name = {e.name.casefold(): e for e in endpoints}

    def route(self, *, postcode: str, code: str = "", name: str = "") -> Route:
        postcode = (postcode or "").replace(" ", "").upper()
        code = (code or "").removeprefix("GM")
        endpoint = self.by_code.get(code) if code else None
        if endpoint is None and not code:
            area = geography.area_for_postcode(postcode) if postcode else None
            if area is None and not name:
                return Route(
                    postcode,
                    "",
                    "",
                    None,
                    conf.default_threshold_cents(),
                    DeliveryMethod.NONE,
                    "signal_postcode_unknown",
                )
            name = area.municipality if area else name
            endpoint = self.by_name.get(name.casefold())
        if endpoint is None:
            return Route(
                postcode,
                code,
                name,
                None,
                conf.default_threshold_cents(),
                DeliveryMethod.NONE,
                "signal_no_municipality_endpoint",
            )
        problem = "signal_municipality_takes_none" if endpoint.method == DeliveryMethod.NONE else ""
        return Route(
            postcode,
            endpoint.code,
            endpoint.name,
            endpoint,
            endpoint.threshold_cents,
            endpoint.method,
            problem,
        )
