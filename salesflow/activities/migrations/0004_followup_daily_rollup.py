"""Follow-ups per local day (models/rollup.py ``FollowupDaily``): the table, the triggers that keep it in the site's
time zone (``FOLLOWUP_DAILY``), filled from the activities already recorded; emptied rows are deleted
(core/rollups.py)."""

from django.db import migrations, models

from salesflow.activities.models import FOLLOWUP_DAILY


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0003_report_figures_covering_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='FollowupDaily',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField()),
                ('owner_id', models.BigIntegerField()),
                ('team_key', models.BigIntegerField()),
                ('kind', models.CharField(max_length=10)),
                ('n', models.BigIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('owner_id', 'day', 'team_key', 'kind'), name='followup_daily_key')],
            },
        ),
        *FOLLOWUP_DAILY.operations(),
    ]
