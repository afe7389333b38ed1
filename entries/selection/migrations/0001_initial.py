"""The ``selection`` app takes over the wave prep, selection and wave models from ``entries``.

State only: no table is created or copied (each model names its old ``entries_*`` table). The content
types move to the new app label, so admin permissions granted on them carry over.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED_MODELS = ("waveprepfile", "waveprep", "allocation", "appliedmarket", "wave")


def move_content_types(apps, schema_editor):
    """Relabel the moved models' content types (and so their permissions) from ``entries`` to ``selection``."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if not content_type.objects.filter(app_label="selection", model=model).exists():
            content_type.objects.filter(app_label="entries", model=model).update(app_label="selection")


def restore_content_types(apps, schema_editor):
    """Reverse of ``move_content_types``."""
    content_type = apps.get_model("contenttypes", "ContentType")
    content_type.objects.filter(app_label="selection", model__in=MOVED_MODELS).update(app_label="entries")



class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('accounts', '0001_initial'),
        ('campaigns', '0003_outbox_promoters_contacts_notifications'),
        ('entries', '0005_selection_moves_out'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='WavePrep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date_key', models.CharField(max_length=64)),
                ('status', models.CharField(choices=[('TRIGGERED', 'Triggered'), ('FINISHED', 'Finished'), ('FAILED', 'Failed')], default='TRIGGERED', max_length=10)),
                ('params', models.JSONField(default=dict, help_text='reassign, orderByPreference, singleMarket, …')),
                ('seed', models.BigIntegerField(help_text='Seed of the lottery order; recorded so a run can be reproduced')),
                ('algorithm_version', models.CharField(blank=True, default='', max_length=32)),
                ('input_hash', models.CharField(blank=True, default='', help_text='sha256 of candidates + limits', max_length=64)),
                ('reserve_id', models.UUIDField(help_text='reserveId of the codes this run reserved')),
                ('count', models.JSONField(blank=True, help_text='WavePrepCount: campaign totals + markets[]', null=True)),
                ('error', models.TextField(blank=True, default='')),
                ('path', models.CharField(blank=True, default='', help_text='Storage key of prepped.{dateKey}.zip', max_length=512)),
                ('attempts', models.PositiveSmallIntegerField(default=0)),
                ('date_created', models.DateTimeField(auto_now_add=True)),
                ('date_started', models.DateTimeField(blank=True, null=True)),
                ('date_finished', models.DateTimeField(blank=True, null=True)),
                ('date_selected', models.DateTimeField(blank=True, help_text='First selection applied from this run', null=True)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='wave_preps', to='campaigns.campaign')),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.fan')),
            ],
            options={
                'db_table': 'entries_waveprep',
                'ordering': ['-date_created'],
            },
        ),
        migrations.CreateModel(
            name='AppliedMarket',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date_applied', models.DateTimeField()),
                ('market', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaigns.market')),
                ('wave_prep', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='applied_markets', to='selection.waveprep')),
            ],
            options={
                'db_table': 'entries_appliedmarket',
            },
        ),
        migrations.CreateModel(
            name='Allocation',
            fields=[
                ('id', models.BigAutoField(primary_key=True, serialize=False)),
                ('outcome', models.CharField(choices=[('selected', 'Selected'), ('waitlisted', 'Waitlisted')], max_length=10)),
                ('preference_rank', models.PositiveSmallIntegerField(help_text="0 = the fan's first choice")),
                ('position', models.PositiveIntegerField(help_text="The fan's place in the run's priority order (0 = first)")),
                ('code', models.CharField(blank=True, default='', max_length=64)),
                ('code_type', models.CharField(blank=True, default='', max_length=8)),
                ('date_notified', models.DateTimeField(blank=True, help_text='When the selected fan was told', null=True)),
                ('entry', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='allocations', to='entries.entry')),
                ('market', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaigns.market')),
                ('wave_prep', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='allocations', to='selection.waveprep')),
            ],
            options={
                'db_table': 'entries_allocation',
            },
        ),
        migrations.CreateModel(
            name='WavePrepFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('date_key', models.CharField(max_length=64)),
                ('type', models.CharField(choices=[('markets', 'Markets'), ('tmCodes', 'Tm Codes'), ('nonTmCodes', 'Non Tm Codes')], max_length=12)),
                ('name', models.CharField(max_length=255)),
                ('path', models.CharField(help_text='Storage key', max_length=512)),
                ('rows', models.PositiveIntegerField(default=0)),
                ('content', models.JSONField(blank=True, default=dict, help_text='Parsed markets file: {marketId: {limit, …}}')),
                ('date_updated', models.DateTimeField(auto_now=True)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='wave_prep_files', to='campaigns.campaign')),
                ('uploaded_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.fan')),
            ],
            options={
                'db_table': 'entries_waveprepfile',
            },
        ),
        migrations.CreateModel(
            name='Wave',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200)),
                ('status', models.CharField(choices=[('scheduled', 'Scheduled'), ('processing', 'Processing'), ('triggered', 'Triggered'), ('completed', 'Completed'), ('failed', 'Failed')], default='scheduled', max_length=10)),
                ('category_id', models.BigIntegerField(blank=True, null=True)),
                ('total_limit', models.PositiveIntegerField(blank=True, null=True)),
                ('generate_offer_code', models.BooleanField(default=False)),
                ('tied_to_account', models.BooleanField(default=False)),
                ('single_use', models.BooleanField(default=False)),
                ('csv_path', models.CharField(max_length=512)),
                ('rows', models.PositiveIntegerField(default=0)),
                ('count', models.JSONField(blank=True, help_text='{total, ok, failed, detail:{sms:{…}, email:{…}}}', null=True)),
                ('error', models.TextField(blank=True, default='')),
                ('date_created', models.DateTimeField(auto_now_add=True)),
                ('date_notify', models.DateTimeField()),
                ('date_begin', models.DateTimeField()),
                ('date_end', models.DateTimeField()),
                ('date_started', models.DateTimeField(blank=True, null=True)),
                ('date_finished', models.DateTimeField(blank=True, null=True)),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='waves', to='campaigns.campaign')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='accounts.fan')),
            ],
            options={
                'db_table': 'entries_wave',
                'ordering': ['date_notify', 'id'],
                'indexes': [models.Index(condition=models.Q(('status', 'scheduled')), fields=['date_notify'], name='wave_due_idx')],
                'constraints': [models.UniqueConstraint(fields=('campaign', 'name'), name='wave_unique_name')],
            },
        ),
        migrations.AddConstraint(
            model_name='waveprep',
            constraint=models.UniqueConstraint(fields=('campaign', 'date_key'), name='wave_prep_unique_date_key'),
        ),
        migrations.AddConstraint(
            model_name='waveprep',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'TRIGGERED')), fields=('campaign',), name='wave_prep_one_running_per_campaign'),
        ),
        migrations.AddConstraint(
            model_name='appliedmarket',
            constraint=models.UniqueConstraint(fields=('wave_prep', 'market'), name='applied_market_unique'),
        ),
        migrations.AddIndex(
            model_name='allocation',
            index=models.Index(fields=['wave_prep', 'market', 'outcome', 'position'], name='allocation_prep_market_idx'),
        ),
        migrations.AddIndex(
            model_name='allocation',
            index=models.Index(fields=['entry'], name='allocation_entry_idx'),
        ),
        migrations.AddConstraint(
            model_name='waveprepfile',
            constraint=models.UniqueConstraint(fields=('campaign', 'date_key', 'type'), name='wave_prep_file_unique'),
        ),
                ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
