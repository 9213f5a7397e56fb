"""The services of direct debit, in one place for other apps to import.

Payment plans call ``collection_schedule``; the bank-statement import calls
``debit_return_register``; messaging uses ``prenotification_text`` and
``collections_mark_prenotified``.
"""

from __future__ import annotations

from vangnet.banking.directdebit.collections import (
    collection_cancel,
    collection_schedule,
    collections_mark_prenotified,
    collections_schedule_open_invoices,
    collections_settle,
    prenotification_text,
)
from vangnet.banking.directdebit.export import batch_export
from vangnet.banking.directdebit.mandates import (
    mandate_change_day,
    mandate_revoke,
    mandate_sign,
    mandate_void,
    mandates_lapse,
    profile_get,
)
from vangnet.banking.directdebit.returns import debit_return_register, returns_import_csv

__all__ = [
    "batch_export",
    "collection_cancel",
    "collection_schedule",
    "collections_mark_prenotified",
    "collections_schedule_open_invoices",
    "collections_settle",
    "debit_return_register",
    "mandate_change_day",
    "mandate_revoke",
    "mandate_sign",
    "mandate_void",
    "mandates_lapse",
    "prenotification_text",
    "profile_get",
    "returns_import_csv",
]
