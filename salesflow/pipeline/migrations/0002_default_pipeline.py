from decimal import Decimal

from django.db import migrations

STAGES = [
    ("初步接洽", "10", ["确认客户基本需求", "联系到关键联系人"]),
    ("需求确认", "25", ["识别决策人", "明确预算与时间表"]),
    ("方案报价", "50", ["提交解决方案", "发送报价单"]),
    ("商务谈判", "75", ["确认商务条款", "决策人认可方案"]),
    ("合同签订", "90", ["合同审批完成"]),
]
REASONS = {
    "win": ["价格优势", "产品功能契合", "客户关系", "服务与交付能力"],
    "loss": ["价格过高", "功能不满足", "输给竞争对手", "客户预算取消", "项目搁置"],
}


def seed(apps, schema_editor):
    Pipeline = apps.get_model("pipeline", "Pipeline")
    Stage = apps.get_model("pipeline", "Stage")
    Reason = apps.get_model("pipeline", "Reason")
    if Pipeline.objects.exists():
        return
    pipeline = Pipeline.objects.create(name="标准销售流程", is_default=True)
    for order, (name, rate, actions) in enumerate(STAGES, start=1):
        Stage.objects.create(pipeline=pipeline, name=name, order=order, win_rate=Decimal(rate), key_actions=actions)
    for kind, names in REASONS.items():
        for name in names:
            Reason.objects.create(kind=kind, name=name)


class Migration(migrations.Migration):
    dependencies = [("pipeline", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
