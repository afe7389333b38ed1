"""The entry email index serves prefix searches too (issue 40: the admin's "fan.a" found nothing): the same column
with ``varchar_pattern_ops`` (equality and ``LIKE 'x%'`` whatever the collation), built concurrently on PostgreSQL so
registrations go on while it builds, then the old index dropped (one index on the column: no extra write cost)."""

from django.db import migrations, models

NEW = models.Index(fields=["email"], name="entry_email_prefix_idx", opclasses=["varchar_pattern_ops"])
OLD = models.Index(fields=["email"], name="entry_email_idx")


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS entry_email_prefix_idx ON entries_entry (email varchar_pattern_ops)"
        )
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS entry_email_idx")
        return
    entry = apps.get_model("entries", "Entry")
    schema_editor.add_index(entry, NEW)
    schema_editor.remove_index(entry, OLD)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX CONCURRENTLY IF NOT EXISTS entry_email_idx ON entries_entry (email)")
        schema_editor.execute("DROP INDEX CONCURRENTLY IF EXISTS entry_email_prefix_idx")
        return
    entry = apps.get_model("entries", "Entry")
    schema_editor.add_index(entry, OLD)
    schema_editor.remove_index(entry, NEW)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("entries", "0013_fan_file_upload"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="entry", name="entry_email_idx"),
                migrations.AddIndex(model_name="entry", index=NEW),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        ),
    ]
