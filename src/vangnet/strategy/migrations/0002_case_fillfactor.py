"""Leave room on each page of strategy_case so the run's daily updates are HOT updates.

The run rewrites the snapshot columns of many open cases a day; none of them is
indexed, so with free space on the page PostgreSQL updates in place (heap-only tuple)
instead of adding an entry to every index. No-op on SQLite.
"""

from django.db import migrations


def fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE strategy_case SET (fillfactor = 70)")


def fillfactor_reset(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE strategy_case RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("strategy", "0001_initial")]
    operations = [migrations.RunPython(fillfactor, fillfactor_reset)]
