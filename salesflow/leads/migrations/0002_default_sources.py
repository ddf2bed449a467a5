from django.db import migrations

SOURCES = {
    "outbound": ["电话陌拜", "展会", "广告投放", "购买名单", "地推"],
    "inbound": ["官网表单", "搜索引擎", "社交媒体", "内容下载", "客户推荐", "合作伙伴"],
}


def seed(apps, schema_editor):
    LeadSource = apps.get_model("leads", "LeadSource")
    for channel, names in SOURCES.items():
        for name in names:
            LeadSource.objects.get_or_create(name=name, defaults={"channel": channel})


class Migration(migrations.Migration):
    dependencies = [("leads", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
