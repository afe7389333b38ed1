"""The bot score moves to a narrow table of its own (``BotScore``): entries the bot score had scored
(``scored_by = 'monoql'``) keep their score there, and ``entries.score`` is left to uploaded scored files."""

import django.db.models.deletion
from django.db import migrations, models


def move_bot_scores(apps, schema_editor):
    Entry = apps.get_model("entries", "Entry")
    BotScore = apps.get_model("entries", "BotScore")
    scored = Entry.objects.filter(scored_by="monoql", score__isnull=False)
    BotScore.objects.bulk_create(
        (BotScore(entry_id=pk, score=score) for pk, score in scored.values_list("pk", "score").iterator()),
        batch_size=5000,
    )
    scored.update(score=None, scored_by="")


def move_back(apps, schema_editor):
    Entry = apps.get_model("entries", "Entry")
    BotScore = apps.get_model("entries", "BotScore")
    for entry_id, score in BotScore.objects.values_list("entry_id", "score").iterator():
        Entry.objects.filter(pk=entry_id, score__isnull=True).update(score=score, scored_by="monoql")


class Migration(migrations.Migration):

    dependencies = [
        ('entries', '0011_entry_fillfactor'),
    ]

    operations = [
        migrations.CreateModel(
            name='BotScore',
            fields=[
                ('entry', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='bot_score', serialize=False, to='entries.entry')),
                ('score', models.FloatField(help_text='0.22–1.0 (decisions.md "Bot score"): 1.0 minus the signals\' points')),
            ],
        ),
        migrations.AlterField(
            model_name='entry',
            name='score',
            field=models.FloatField(blank=True, help_text='0–1 from an uploaded scored file (it wins over the bot score, kept in BotScore); null = none', null=True),
        ),
        migrations.AlterField(
            model_name='entry',
            name='scored_by',
            field=models.CharField(blank=True, db_default='', default='', help_text='upload: the score comes from a scored file; empty: no file scored this entry', max_length=8),
        ),
        migrations.RunPython(move_bot_scores, move_back),
    ]
