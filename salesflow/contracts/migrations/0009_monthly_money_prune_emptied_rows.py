"""A money roll-up row whose count falls to zero is deleted (core/rollups.py says why)."""

from django.db import migrations

from salesflow.core.rollups import prune_operations


class Migration(migrations.Migration):

    dependencies = [
        ('contracts', '0008_monthly_money_rollup'),
    ]

    operations = prune_operations("contracts_monthlymoney")
