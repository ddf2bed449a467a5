"""A funnel roll-up row whose count falls to zero is deleted (core/rollups.py says why)."""

from django.db import migrations

from salesflow.core.rollups import prune_operations


class Migration(migrations.Migration):

    dependencies = [
        ('pipeline', '0009_report_figures_covering_indexes'),
    ]

    operations = prune_operations("pipeline_funnelrollup")
