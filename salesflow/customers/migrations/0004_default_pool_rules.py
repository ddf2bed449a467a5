from django.db import migrations

# class: (days without follow-up, days without a deal, days of notice)
DEFAULT_RULES = {"A": (60, 180, 7), "B": (30, 90, 3), "C": (15, 60, 3)}


def seed(apps, schema_editor):
    PoolRule = apps.get_model("customers", "PoolRule")
    PoolSettings = apps.get_model("customers", "PoolSettings")
    for customer_class, (contact, deal, notice) in DEFAULT_RULES.items():
        PoolRule.objects.get_or_create(customer_class=customer_class, defaults={
            "days_without_contact": contact, "days_without_deal": deal, "notice_days": notice})
    if not PoolSettings.objects.exists():
        PoolSettings.objects.create(max_customers_per_rep=200)


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_poolrule_poolsettings_tag_customer_address_and_more")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
