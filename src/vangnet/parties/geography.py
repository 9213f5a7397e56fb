"""Four-digit postcode -> place, municipality and province.

Bundled from CBS StatLine 83503NED (1 Jan 2021, CC BY 4.0; see data/README). Used to
route signals to the right municipality and to spread the synthetic population like the
real one. Municipalities are as of 2021; later mergers are applied in ``MERGERS``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Municipal mergers after 1 Jan 2021 (old name -> new name), applied on load.
MERGERS: dict[str, str] = {
    # 1 Jan 2022
    "Boxmeer": "Land van Cuijk",
    "Cuijk": "Land van Cuijk",
    "Grave": "Land van Cuijk",
    "Mill en Sint Hubert": "Land van Cuijk",
    "Sint Anthonis": "Land van Cuijk",
    "Landerd": "Maashorst",
    "Uden": "Maashorst",
    "Haaren": "Vught",  # Haaren split over four municipalities; Vught is an approximation.
    "Weesp": "Amsterdam",
    # 1 Jan 2023
    "Brielle": "Voorne aan Zee",
    "Hellevoetsluis": "Voorne aan Zee",
    "Westvoorne": "Voorne aan Zee",
}


@dataclass(frozen=True)
class PostcodeArea:
    pc4: str
    place: str
    municipality: str
    province: str
    residents: int


@lru_cache(maxsize=1)
def postcode_areas() -> dict[str, PostcodeArea]:
    with (
        resources.files("vangnet.parties")
        .joinpath("data/pc4_gemeente.csv")
        .open(encoding="utf-8") as fh
    ):
        rows = csv.DictReader(fh)
        return {
            row["postcode"]: PostcodeArea(
                pc4=row["postcode"],
                place=row["plaats"],
                municipality=MERGERS.get(row["gemeente"], row["gemeente"]),
                province=row["provincie"],
                residents=int(row["inwoners"] or 0),
            )
            for row in rows
            # 21 postcodes (industrial areas, PO boxes) carry no municipality in the
            # source; they are left out rather than routed to a guess.
            if row["gemeente"]
        }


def area_for_postcode(postcode: str) -> PostcodeArea | None:
    """'1234 AB' or '1234' -> its area, or None for a postcode not in the table."""
    return postcode_areas().get(postcode.strip()[:4])
