"""Follow-ups per local month and customer (models/rollup.py ``CustomerFollowupMonthly``): the table, the triggers
that keep it in the site's time zone (``CUSTOMER_FOLLOWUP_MONTHLY``, with the one on the customers that copies a
changed class or creation time), filled from the activities already recorded; emptied rows are deleted
(core/rollups.py)."""

from django.db import migrations, models

from salesflow.activities.models import CUSTOMER_FOLLOWUP_MONTHLY


class Migration(migrations.Migration):

    dependencies = [
        ('activities', '0004_followup_daily_rollup'),
        ('customers', '0009_sqlite_search_grams'),  # its trigger is on the customers
    ]

    operations = [
        migrations.CreateModel(
            name='CustomerFollowupMonthly',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('owner_id', models.BigIntegerField()),
                ('team_key', models.BigIntegerField()),
                ('customer_id', models.BigIntegerField()),
                ('n', models.BigIntegerField(default=0)),
                ('first_at', models.DateTimeField()),
                ('last_at', models.DateTimeField()),
                ('customer_class', models.CharField(max_length=1, null=True)),
                ('customer_created_at', models.DateTimeField(null=True)),
            ],
            options={
                'indexes': [models.Index(fields=['customer_id'], name='customer_followup_customer_idx')],
                'constraints': [models.UniqueConstraint(fields=('owner_id', 'month', 'team_key', 'customer_id'), name='customer_followup_monthly_key')],
            },
        ),
        *CUSTOMER_FOLLOWUP_MONTHLY.operations(),
    ]
