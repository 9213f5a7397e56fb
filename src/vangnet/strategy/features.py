"""Features of all open cases in one query, as numpy columns.

One SQL statement joins each open case to its position (the run's temporary table),
person, contact points, consents, holds, earlier cases and returned debits; the
correlated subqueries are index lookups per case, so the cost grows with the number of
open cases (~10 % of accounts), not with the ledger. The result is a column table that
``segments.segments_assign`` evaluates with array operations.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

from django.db import connection

import numpy as np

from vangnet.ledger.models import Account, Customer, Payment
from vangnet.parties.constants import ConsentPurpose, ContactKind
from vangnet.parties.models import Consent, ContactPoint, Person
from vangnet.strategy import bulk
from vangnet.strategy.cases import POS_TABLE, CaseHoldState, _as_date
from vangnet.strategy.constants import CaseEventKind, CaseStatus, HoldKind, HoldOutcome
from vangnet.strategy.models import Case, CaseEvent, Hold

REPEAT_WINDOW = timedelta(days=365)  # issue: "repeat arrears in the last 12 months"
RETURNED_DEBIT_WINDOW = timedelta(days=90)
# DOMAIN.md "SEPA direct debit": AM04 (insufficient funds) signals money trouble.
MONEY_TROUBLE_RETURN_CODES = ("AM04",)

_COLUMNS = (
    "case_id",
    "account_id",
    "journey_id",
    "journey_day0",
    "step_position",
    "last_step_on",
    "old_segment",
    "score",
    "score_band",
    "score_version",
    "score_factors",
    "scored_on",
    "arrears_cents",
    "arrears_since",
    "open_invoices",
    "person_id",
    "medical_necessity",
    "in_debt_help",
    "moratorium_until",
    "preferred_channels",
    "window_start",
    "window_end",
    "has_address",
    "repeat_arrears_12m",
    "broken_plans",
    "has_email",
    "has_mobile",
    "has_landline",
    "digital_refused",
    "share_refused",
    "returned_debits_90d",
    "contact_reached",
    "medical_hold",
    "old_next_step_on",
    "old_arrears_cents",
    "old_days_past_due",
    "old_open_invoice_count",
    "old_arrears_since",
    "status",
    "paused_on",
    "pause_cause",
    "paused_until",
    "deceased_on",
)


NEW = "new"  # status of a row for an account that gets its case in this run


def _sql(part: str) -> str:
    """``part="cases"``: open and paused cases; ``part="new"``: accounts over the
    threshold without a non-closed case — the cases this run opens. These get all their
    features (and later segment, score and first step) before they are written, so a new
    case is inserted once with its final values instead of inserted and then updated.

    Two queries rather than one UNION: PostgreSQL runs each with parallel hash joins
    (the UNION ran serially, +1 s at a million accounts), and on a given day only one
    of them is large. No ORDER BY: 120,000 wide rows spilled the sort to disk; Python
    sorts them (``case_features``).
    """
    qn = bulk.qn
    c, a, cu, per = bulk.table(Case), bulk.table(Account), bulk.table(Customer), bulk.table(Person)
    cp, co, h = bulk.table(ContactPoint), bulk.table(Consent), bulk.table(Hold)
    pay, ev = bulk.table(Payment), bulk.table(CaseEvent)
    codes = ", ".join(f"'{code}'" for code in MONEY_TROUBLE_RETURN_CODES)
    existing = (
        f"SELECT c.id AS case_id, c.account_id AS account_id, c.journey_id AS journey_id,"
        f" c.journey_day0 AS journey_day0, c.step_position AS step_position,"
        f" c.last_step_on AS last_step_on, c.segment AS segment, c.score AS score,"
        f" c.score_band AS score_band, c.score_version AS score_version,"
        f" {bulk.text_sql('c.score_factors')} AS score_factors, c.scored_on AS scored_on,"
        f" c.next_step_on AS next_step_on, c.arrears_cents AS old_arrears,"
        f" c.days_past_due AS old_days, c.open_invoice_count AS old_open,"
        f" c.arrears_since AS old_since, c.status AS status, c.paused_on AS paused_on,"
        f" c.pause_cause AS pause_cause, c.paused_until AS paused_until"
        f" FROM {c} c WHERE c.organisation_id = %(org)s AND c.status IN (%(open)s, %(paused)s)"
    )
    new = (
        f"SELECT CAST(NULL AS bigint) AS case_id, p.account_id AS account_id,"
        f" %(journey)s AS journey_id,"
        f" {p_date('today')} AS journey_day0, 0 AS step_position, NULL AS last_step_on,"
        f" '' AS segment, NULL AS score, '' AS score_band, '' AS score_version,"
        f" '[]' AS score_factors, NULL AS scored_on, NULL AS next_step_on, 0 AS old_arrears,"
        f" 0 AS old_days, 0 AS old_open, NULL AS old_since, %(new)s AS status,"
        f" NULL AS paused_on, '' AS pause_cause, NULL AS paused_until"
        f" FROM {POS_TABLE} p WHERE p.arrears >= %(threshold)s AND NOT EXISTS"
        f" (SELECT 1 FROM {c} x WHERE x.account_id = p.account_id AND x.status <> %(closed)s)"
    )
    base = existing if part == "cases" else new
    return (
        f"SELECT b.case_id, b.account_id, b.journey_id, b.journey_day0, b.step_position,"
        f" b.last_step_on, b.segment, b.score, b.score_band, b.score_version,"
        f" b.score_factors, b.scored_on, COALESCE(p.arrears, 0), p.oldest,"
        f" COALESCE(p.n_overdue, 0),"
        f" per.id, per.medical_necessity, per.in_debt_help, per.moratorium_until,"
        f" per.preferred_channels, per.contact_window_start, per.contact_window_end,"
        f" per.address_id IS NOT NULL,"
        f" COALESCE(rep.n, 0),"
        f" COALESCE(bp.n, 0),"
        f" EXISTS (SELECT 1 FROM {cp} e WHERE e.person_id = per.id AND e.kind = %(email)s"
        f"   AND e.invalid_since IS NULL),"
        f" EXISTS (SELECT 1 FROM {cp} m WHERE m.person_id = per.id AND m.kind = %(mobile)s"
        f"   AND m.invalid_since IS NULL),"
        f" EXISTS (SELECT 1 FROM {cp} l WHERE l.person_id = per.id AND l.kind = %(landline)s"
        f"   AND l.invalid_since IS NULL),"
        f" EXISTS (SELECT 1 FROM {co} d WHERE d.person_id = per.id AND d.purpose = %(digital)s"
        f"   AND d.granted = %(false)s AND d.withdrawn_at IS NULL),"
        f" EXISTS (SELECT 1 FROM {co} s WHERE s.person_id = per.id AND s.purpose = %(share)s"
        f"   AND s.granted = %(false)s AND s.withdrawn_at IS NULL),"
        f" COALESCE(ret.n, 0),"
        f" cr.case_id IS NOT NULL,"
        f" mh.account_id IS NOT NULL,"
        f" b.next_step_on, b.old_arrears, b.old_days, b.old_open, b.old_since,"
        f" b.status, b.paused_on, b.pause_cause, b.paused_until, per.deceased_on"
        f" FROM ({base}) b JOIN {a} a ON a.id = b.account_id"
        f" JOIN {cu} cu ON cu.id = a.customer_id JOIN {per} per ON per.id = cu.person_id"
        f" LEFT JOIN {POS_TABLE} p ON p.account_id = b.account_id"
        # Earlier cases and returned debits as hash joins over small filtered sets,
        # rather than one index probe per open case.
        f" LEFT JOIN (SELECT account_id, COUNT(*) AS n FROM {c}"
        f"   WHERE organisation_id = %(org)s AND status = %(closed)s"
        f"   AND closed_on >= %(repeat_from)s GROUP BY account_id) rep"
        f"   ON rep.account_id = b.account_id"
        f" LEFT JOIN (SELECT account_id, COUNT(*) AS n FROM {pay}"
        f"   WHERE organisation_id = %(org)s AND reversal_reason IN ({codes})"
        f"   AND reversed_on >= %(returned_from)s GROUP BY account_id) ret"
        f"   ON ret.account_id = b.account_id"
        # Rare facts (broken plans, reached contact, medical holds) as joins with their
        # few rows instead of a lookup per case.
        f" LEFT JOIN (SELECT account_id, COUNT(*) AS n FROM {h}"
        f"   WHERE organisation_id = %(org)s AND kind = %(plan)s AND outcome = %(broken)s"
        f"   GROUP BY account_id) bp ON bp.account_id = b.account_id"
        f" LEFT JOIN (SELECT DISTINCT case_id FROM {ev}"
        f"   WHERE {qn('kind')} = %(contact)s AND cause = 'reached') cr"
        f"   ON cr.case_id = b.case_id"
        f" LEFT JOIN (SELECT DISTINCT account_id FROM {h}"
        f"   WHERE organisation_id = %(org)s AND kind = %(medical)s AND starts_on <= %(today)s"
        f"   AND (ends_on IS NULL OR ends_on >= %(today)s)) mh ON mh.account_id = b.account_id"
    )


def p_date(name: str) -> str:
    """A named date parameter, typed for PostgreSQL (a UNION cannot infer it)."""
    if connection.vendor == "postgresql":
        return f"CAST(%({name})s AS date)"
    return f"%({name})s"


@dataclass
class CaseTable:
    """Open cases as columns. ``rows`` keeps the raw tuples for per-case code paths."""

    today: date
    columns: dict[str, list[Any]] = field(default_factory=dict)
    arrays: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.columns.get("case_id", ()))

    def col(self, name: str) -> list[Any]:
        return self.columns[name]

    def hold_states(self) -> list[CaseHoldState]:
        c = self.columns
        return [
            CaseHoldState(
                case_id=c["case_id"][i],
                account_id=c["account_id"][i],
                status=c["status"][i],
                paused_on=c["paused_on"][i],
                pause_cause=c["pause_cause"][i],
                paused_until=c["paused_until"][i],
                journey_day0=c["journey_day0"][i],
                moratorium_until=c["moratorium_until"][i],
                deceased_on=c["deceased_on"][i],
            )
            for i in range(len(self))
        ]

    def apply_holds(
        self,
        changed: dict[int, tuple[str, date | None]],
        new_paused: dict[int, tuple[str, date | None]],
    ) -> list[dict[str, Any]]:
        """Take over pause/resume decisions, then keep only open cases and new ones.

        Returns the rows of cases to open that are paused from the start (a hold or a
        person's flag): they are written without a step.
        """
        c = self.columns
        paused_new: list[dict[str, Any]] = []
        keep: list[int] = []
        for i, case_id in enumerate(c["case_id"]):
            if case_id in changed:
                c["status"][i], c["journey_day0"][i] = changed[case_id]
            if case_id is None and c["account_id"][i] in new_paused:
                row = {name: values[i] for name, values in c.items()}
                row["pause_cause"], row["paused_until"] = new_paused[c["account_id"][i]]
                paused_new.append(row)
            elif c["status"][i] in (CaseStatus.OPEN, NEW):
                keep.append(i)
        if len(keep) == len(c["status"]):
            return paused_new
        for name, values in c.items():
            c[name] = [values[i] for i in keep]
        index = np.asarray(keep, dtype=np.int64)
        for name, array in self.arrays.items():
            self.arrays[name] = array[index]
        return paused_new

    def segment_features(self) -> dict[str, np.ndarray]:
        """The columns ``segments.FEATURES`` names, as numpy arrays."""
        return self.arrays


def _json(value: Any) -> Any:
    if isinstance(value, str):
        return json.loads(value) if value else None
    return value


def _time(value: Any) -> time | None:
    if value is None or isinstance(value, time):
        return value
    return time.fromisoformat(str(value))


def case_features(
    *, organisation_id: int, today: date, threshold_cents: int, journey_id: int | None
) -> CaseTable:
    """Features of every open or paused case, and of the cases to open (one query).

    Rows for cases to open have ``case_id`` None and status ``NEW``.
    """
    params = {
        "threshold": threshold_cents,
        "journey": journey_id,
        "new": NEW,
        "closed": CaseStatus.CLOSED.value,
        "open": CaseStatus.OPEN.value,
        "paused": CaseStatus.PAUSED.value,
        "repeat_from": today - REPEAT_WINDOW,
        "returned_from": today - RETURNED_DEBIT_WINDOW,
        "plan": HoldKind.PAYMENT_PLAN.value,
        "broken": HoldOutcome.BROKEN.value,
        "medical": HoldKind.MEDICAL.value,
        "email": ContactKind.EMAIL.value,
        "mobile": ContactKind.MOBILE.value,
        "landline": ContactKind.LANDLINE.value,
        "digital": ConsentPurpose.DIGITAL_CONTACT.value,
        "share": ConsentPurpose.SHARE_WITH_MUNICIPALITY.value,
        "false": False,
        "contact": CaseEventKind.CONTACT.value,
        "today": today,
        "org": organisation_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql("cases"), params)
        rows = cursor.fetchall()
        rows.sort(key=lambda r: r[0])
        cursor.execute(_sql("new"), params)
        new_rows = cursor.fetchall()
        new_rows.sort(key=lambda r: r[1])
        rows.extend(new_rows)
    table = CaseTable(today=today)
    cols = list(zip(*rows, strict=True)) if rows else [() for _ in _COLUMNS]
    for name, values in zip(_COLUMNS, cols, strict=True):
        table.columns[name] = list(values)
    c = table.columns
    for name in (
        "journey_day0",
        "last_step_on",
        "scored_on",
        "arrears_since",
        "moratorium_until",
        "old_next_step_on",
        "old_arrears_since",
        "paused_on",
        "paused_until",
        "deceased_on",
    ):
        if any(isinstance(v, str) for v in c[name]):  # SQLite; PostgreSQL gives dates
            c[name] = [_as_date(v) for v in c[name]]
    for name in ("window_start", "window_end"):
        if any(isinstance(v, str) for v in c[name]):
            c[name] = [_time(v) for v in c[name]]
    c["preferred_channels"] = [_json(v) or [] for v in c["preferred_channels"]]
    # Factors stay JSON text: they are copied into explanations and back into the case
    # row as they are, so parsing and re-encoding 100,000 of them would be wasted work.
    c["score_factors"] = [v if isinstance(v, str) and v else "[]" for v in c["score_factors"]]
    ordinal = today.toordinal()
    c["days_past_due"] = [ordinal - d.toordinal() if d else 0 for d in c["arrears_since"]]
    moratorium = [m is not None and m >= today for m in c["moratorium_until"]]
    vulnerable = [
        bool(med or debt or mor)
        for med, debt, mor in zip(
            c["medical_necessity"], c["in_debt_help"], moratorium, strict=True
        )
    ]
    c["vulnerable"] = vulnerable
    c["reachable_digital"] = [
        bool((e or m) and not r)
        for e, m, r in zip(c["has_email"], c["has_mobile"], c["digital_refused"], strict=True)
    ]
    c["reachable_phone"] = [
        bool(m or ll) for m, ll in zip(c["has_mobile"], c["has_landline"], strict=True)
    ]
    table.arrays = {
        "arrears_cents": np.asarray(c["arrears_cents"], dtype=np.int64),
        "days_past_due": np.asarray(c["days_past_due"], dtype=np.int64),
        "open_invoices": np.asarray(c["open_invoices"], dtype=np.int64),
        "repeat_arrears_12m": np.asarray(c["repeat_arrears_12m"], dtype=np.int64),
        "broken_plans": np.asarray(c["broken_plans"], dtype=np.int64),
        "returned_debits_90d": np.asarray(c["returned_debits_90d"], dtype=np.int64),
        "vulnerable": np.asarray(vulnerable, dtype=bool),
        "reachable_digital": np.asarray(c["reachable_digital"], dtype=bool),
        "reachable_phone": np.asarray(c["reachable_phone"], dtype=bool),
        "contact_reached": np.asarray(c["contact_reached"], dtype=bool),
    }
    table_scores_refresh(table)
    return table


def table_scores_refresh(table: CaseTable) -> None:
    """(Re)build the score columns of the segment features from ``columns``."""
    c = table.columns
    table.arrays["score"] = np.asarray(
        [s if s is not None else np.nan for s in c["score"]], dtype=float
    )
    table.arrays["score_band"] = np.asarray([b or "" for b in c["score_band"]], dtype=object)
