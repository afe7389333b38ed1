"""Leave room in the entries' pages (fillfactor 85, PostgreSQL only): the bot score sets every entry's score when a
campaign closes, and with room on the page PostgreSQL writes the new row version beside the old one without
touching the table's indexes (a heap-only update); re-registrations, which change no indexed column either, gain
the same. Applies to pages written from now on."""

from django.db import migrations


def set_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE entries_entry SET (fillfactor = 85)")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE entries_entry RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("entries", "0010_bot_score")]
    operations = [migrations.RunPython(set_fillfactor, reset_fillfactor)]
