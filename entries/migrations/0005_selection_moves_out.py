"""Wave prep, selection and waves move to the ``selection`` app (``entries.selection``).

State only: the tables stay where they are (``entries_waveprep``…), the new app's models name them.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('entries', '0004_wave_prep_selection_waves'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.RemoveField(
            model_name='appliedmarket',
            name='market',
        ),
        migrations.RemoveField(
            model_name='appliedmarket',
            name='wave_prep',
        ),
        migrations.RemoveField(
            model_name='wave',
            name='campaign',
        ),
        migrations.RemoveField(
            model_name='wave',
            name='created_by',
        ),
        migrations.RemoveField(
            model_name='waveprep',
            name='campaign',
        ),
        migrations.RemoveField(
            model_name='waveprep',
            name='requested_by',
        ),
        migrations.RemoveField(
            model_name='waveprepfile',
            name='campaign',
        ),
        migrations.RemoveField(
            model_name='waveprepfile',
            name='uploaded_by',
        ),
        migrations.DeleteModel(
            name='Allocation',
        ),
        migrations.DeleteModel(
            name='AppliedMarket',
        ),
        migrations.DeleteModel(
            name='Wave',
        ),
        migrations.DeleteModel(
            name='WavePrep',
        ),
        migrations.DeleteModel(
            name='WavePrepFile',
        ),
                ],
        ),
    ]
