"""Generator step: customers spread over the reps, with a share left in the pool."""

import datetime

from django.utils import timezone

from salesflow.core.generator import GenerateContext, bulk_insert
from salesflow.core.registry import generator_steps

from .models import Customer

CITIES = "上海 北京 深圳 广州 杭州 南京 苏州 成都 武汉 西安 天津 重庆 长沙 青岛 厦门 合肥 宁波 郑州".split()
WORDS = "华信 东方 中科 宏达 金桥 天元 恒通 瑞丰 鼎盛 新锐 汇智 博远 盛世 联创 安泰 卓越 云帆 海纳 远航 嘉禾".split()
KINDS = "科技 信息技术 智能制造 医疗器械 新材料 物流 电子 生物科技 软件 能源 建设 贸易".split()
SUFFIX = ["有限公司", "股份有限公司", "集团有限公司"]
INDUSTRIES = ["制造业", "信息技术", "医疗健康", "金融", "零售", "物流", "能源", "教育", "建筑", "政府"]


@generator_steps.register("customers", "customers (about 15% unowned, in the pool)", order=20)
def generate_customers(ctx: GenerateContext) -> None:
    rng = ctx.rng
    reps = ctx.shared["reps"]
    regions = ctx.shared["regions"]
    now = timezone.now()

    def rows():
        for i in range(ctx.scale):
            owner_id, team_id, region_id = rng.choice(reps)
            pooled = rng.random() < 0.15
            yield Customer(
                name=f"{rng.choice(CITIES)}{rng.choice(WORDS)}{rng.choice(KINDS)}{SUFFIX[i % 3]}{i + 1:07d}",
                industry=rng.choice(INDUSTRIES),
                region_id=region_id if rng.random() < 0.8 else rng.choice(regions),
                owner_id=None if pooled else owner_id,
                team_id=None if pooled else team_id,
                created_at=now - datetime.timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1440)),
            )

    bulk_insert(Customer, rows(), ctx=ctx, label="customers")
