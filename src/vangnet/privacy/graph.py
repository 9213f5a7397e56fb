"""Everything held on a set of persons, found by walking reverse relations.

Starting at ``parties.Person`` the walk follows every one-to-many and one-to-one
relation *towards* rows that point at what was already found (customer → account →
invoice, case → event, action → outbox message, …). Nothing is listed per app, so an
app added later is covered as soon as its model has a foreign key into this graph.

The walk never continues *from* shared rows: an address, a household or an
organisation is pointed at by other people too, and following it would pull in their
data. Forward relations (address, household) are read separately by the callers.
The walk is set-based: one query per (relation, chunk of ids), for one person or for
a batch of thousands in a purge.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import models

from vangnet.parties.models import Person

# Rows other people share: found, but never walked from.
SHARED = frozenset(
    {"parties.address", "parties.household", "parties.organisation", "auth.user", "auth.group"}
)
# Bookkeeping of the privacy tooling itself; not data about the person.
IGNORED = frozenset({"privacy.anonymisation"})
CHUNK = 2000

Found = dict[type[models.Model], set]


def _chunks(values: Iterable, size: int = CHUNK) -> Iterator[list]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def reverse_relations(model: type[models.Model]) -> list[models.ForeignObjectRel]:
    """Every one-to-many/one-to-one relation pointing at ``model``, hidden ones too.

    ``_meta.related_objects`` leaves out foreign keys declared with ``related_name="+"``;
    those still point at person data (a signal's matched resident, a link's customer).
    """
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one)
    ]


def records_for_persons(person_ids: Iterable[int]) -> Found:
    """Model → primary keys of every row reachable from these persons (Person included)."""
    start = set(person_ids)
    found: Found = {Person: set(start)}
    frontier: list[tuple[type[models.Model], set]] = [(Person, start)]
    while frontier:
        model, pks = frontier.pop()
        for relation in reverse_relations(model):
            related = relation.related_model
            label = related._meta.label_lower
            if label in IGNORED or label in SHARED or related is Person:
                continue
            field = relation.field
            lookup = (
                f"{field.name}__in" if field.target_field.primary_key else f"{field.name}__pk__in"
            )
            new: set = set()
            for chunk in _chunks(pks):
                new.update(
                    related._default_manager.filter(**{lookup: chunk}).values_list("pk", flat=True)
                )
            new -= found.get(related, set())
            if new:
                found.setdefault(related, set()).update(new)
                frontier.append((related, new))
    return found
