"""Won deals per local month (models/rollup.py ``WonMonthly``): the table, the triggers that keep it in the site's
time zone (``WON_MONTHLY``), filled from the opportunities already won; emptied rows are deleted (core/rollups.py)."""

from django.db import migrations, models

from salesflow.pipeline.models import WON_MONTHLY


class Migration(migrations.Migration):

    dependencies = [
        ('pipeline', '0012_opportunity_owner_closed_index_covers_leaderboards'),
    ]

    operations = [
        migrations.CreateModel(
            name='WonMonthly',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('owner_id', models.BigIntegerField()),
                ('team_key', models.BigIntegerField()),
                ('n', models.BigIntegerField(default=0)),
                ('value', models.DecimalField(decimal_places=2, default=0, max_digits=22)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('month', 'owner_id', 'team_key'), name='won_monthly_key')],
            },
        ),
        *WON_MONTHLY.operations(),
    ]
