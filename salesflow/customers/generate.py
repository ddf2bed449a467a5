"""Generator step: customers spread over the reps (about 15% unowned, in the pool), with contacts."""

import datetime

from django.utils import timezone

from salesflow.core.generator import GenerateContext, bulk_insert
from salesflow.core.registry import generator_steps

from .models import Contact, Customer

CITIES = "上海 北京 深圳 广州 杭州 南京 苏州 成都 武汉 西安 天津 重庆 长沙 青岛 厦门 合肥 宁波 郑州".split()
WORDS = "华信 东方 中科 宏达 金桥 天元 恒通 瑞丰 鼎盛 新锐 汇智 博远 盛世 联创 安泰 卓越 云帆 海纳 远航 嘉禾".split()
KINDS = "科技 信息技术 智能制造 医疗器械 新材料 物流 电子 生物科技 软件 能源 建设 贸易".split()
SUFFIX = ["有限公司", "股份有限公司", "集团有限公司"]
INDUSTRIES = ["制造业", "信息技术", "医疗健康", "金融", "零售", "物流", "能源", "教育", "建筑", "政府"]
SOURCES = ["展会", "官网表单", "客户推荐", "电话陌拜", "搜索引擎", "合作伙伴"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
TITLES = ["总经理", "采购经理", "IT总监", "财务总监", "运营经理", "工程师"]
ROLES = ["decision_maker", "influencer", "user", "gatekeeper", "other"]


@generator_steps.register("customers", "customers (about 15% unowned, in the pool) and ~1.5 contacts each", order=20)
def generate_customers(ctx: GenerateContext) -> None:
    rng = ctx.rng
    reps = ctx.shared["reps"]
    regions = ctx.shared["regions"]
    now = timezone.now()

    def customers():
        for i in range(ctx.scale):
            owner_id, team_id, region_id = rng.choice(reps)
            pooled = rng.random() < 0.15
            created = now - datetime.timedelta(days=rng.randint(0, 730), minutes=rng.randint(0, 1440))
            contacted = created + datetime.timedelta(days=rng.randint(0, max(0, (now - created).days)))
            yield Customer(
                name=f"{rng.choice(CITIES)}{rng.choice(WORDS)}{rng.choice(KINDS)}{SUFFIX[i % 3]}{i + 1:07d}",
                industry=rng.choice(INDUSTRIES), source=rng.choice(SOURCES),
                region_id=region_id if rng.random() < 0.8 else rng.choice(regions),
                phone=f"0{rng.randint(10, 999)}-{rng.randint(10000000, 99999999)}",
                customer_class=rng.choice("AABBBBBCCC"), lifecycle_stage=rng.choice(
                    ["prospect", "new", "growing", "mature", "mature", "declining", "lost"]),
                owner_id=None if pooled else owner_id, team_id=None if pooled else team_id,
                pool_entered_at=created if pooled else None,
                created_at=created, last_contact_at=contacted if rng.random() < 0.9 else None,
            )

    bulk_insert(Customer, customers(), ctx=ctx, label="customers")

    def contacts():
        for customer_id in Customer.objects.order_by("id").values_list("id", flat=True).iterator(chunk_size=10000):
            for n in range(rng.choice((1, 1, 2, 2, 3)) if rng.random() < 0.8 else 0):
                yield Contact(customer_id=customer_id, name=rng.choice(SURNAMES) + rng.choice(("先生", "女士", "经理")),
                              title=rng.choice(TITLES), decision_role=rng.choice(ROLES), is_primary=n == 0,
                              phone=f"1{rng.randint(30, 99)}{rng.randint(10000000, 99999999)}")

    bulk_insert(Contact, contacts(), ctx=ctx, label="contacts")
