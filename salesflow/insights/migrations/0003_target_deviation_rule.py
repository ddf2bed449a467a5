from django.db import migrations


def ship_rule(apps, schema_editor):
    AlertRule = apps.get_model("insights", "AlertRule")
    AlertRule.objects.get_or_create(metric="target_deviation", defaults={"yellow_at": 10, "red_at": 20,
                                                                         "every_minutes": 1440})


class Migration(migrations.Migration):
    dependencies = [("insights", "0002_alerts")]
    operations = [migrations.RunPython(ship_rule, migrations.RunPython.noop)]
