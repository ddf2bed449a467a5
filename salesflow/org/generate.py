"""Generator step: a Chinese-locale sales organisation (team tree, region tree, managers and reps)."""

import datetime
import itertools

from django.utils import timezone

from salesflow.core.generator import GenerateContext
from salesflow.core.registry import generator_steps

from .models import DEFAULT_SCOPE, Region, Role, Team, User

DEMO_PASSWORD = "salesflow-demo"  # noqa: S105  (demo data only; documented in the README)

REGIONS = {
    "华东": ["上海", "江苏", "浙江", "安徽", "山东"],
    "华南": ["广东", "福建", "广西", "海南"],
    "华北": ["北京", "天津", "河北", "山西", "内蒙古"],
    "华中": ["湖北", "湖南", "河南", "江西"],
    "西南": ["四川", "重庆", "云南", "贵州"],
    "西北": ["陕西", "甘肃", "新疆", "宁夏"],
    "东北": ["辽宁", "吉林", "黑龙江"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍鹏辉建国文斌宇浩凯健俊帆帅旭宁琳晨欣怡佳"


def person_name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


@generator_steps.register("organisation", "teams, regions, demo logins, managers and reps", order=10)
def generate_organisation(ctx: GenerateContext) -> None:
    rng = ctx.rng
    # One password hash for all generated users: hashing is deliberately slow.
    template = User(username="x")
    template.set_password(DEMO_PASSWORD)
    password_hash = template.password

    region_root = Region.objects.create(name="全国", code="CN")
    big_regions = {}
    provinces = []
    for name, members in REGIONS.items():
        big = Region.objects.create(name=name, parent=region_root)
        big_regions[name] = big
        provinces += [Region.objects.create(name=p, parent=big) for p in members]

    company = Team.objects.create(name="销售中心")
    divisions = [Team.objects.create(name=f"{name}大区", parent=company) for name in list(REGIONS)[:4]]
    team_count = max(2, ctx.rep_count // 50)  # about fifty reps per team at full scale
    teams = []
    for i in range(team_count):
        division = divisions[i % len(divisions)]
        teams.append(Team.objects.create(name=f"{division.name[:2]}销售{i // len(divisions) + 1}部", parent=division))

    joined = itertools.count()

    def make(username, role, team, region=None, display_name=""):
        # Everyone joined months or years ago (not at generation time), so "new hire" rules leave them alone;
        # spread without the random stream, which the rest of the data depends on.
        tenure = datetime.timedelta(days=200 + next(joined) * 37 % 1300)
        return User(
            username=username, role=role, scope=DEFAULT_SCOPE[Role(role)], team=team, region=region,
            display_name=display_name or person_name(rng), password=password_hash,
            is_staff=role == Role.ADMIN, is_superuser=role == Role.ADMIN, date_joined=timezone.now() - tenure,
        )

    fixed = [
        make("admin", Role.ADMIN, company, display_name="系统管理员"),
        make("director", Role.DIRECTOR, company),
        make("finance", Role.FINANCE, company),
    ]
    User.objects.bulk_create(fixed)
    managers = []
    for i, team in enumerate(teams):
        managers.append(make("manager" if i == 0 else f"manager{i + 1}", Role.MANAGER, team,
                             region=big_regions[team.parent.name[:2]]))
    User.objects.bulk_create(managers)
    for team, manager in zip(teams, User.objects.filter(role=Role.MANAGER).order_by("id"), strict=True):
        team.manager = manager
    Team.objects.bulk_update(teams, ["manager"])

    reps = []
    for i in range(ctx.rep_count):
        team = teams[i % len(teams)]
        province = rng.choice([p for p in provinces if p.parent.name == team.parent.name[:2]] or provinces)
        reps.append(make("rep" if i == 0 else f"rep{i + 1}", Role.REP, team, region=province))
    User.objects.bulk_create(reps)
    ctx.shared["reps"] = list(User.objects.filter(role=Role.REP).order_by("id")
                              .values_list("id", "team_id", "region_id"))
    ctx.shared["regions"] = [p.pk for p in provinces]
    ctx.log(f"  {len(teams)} teams, {len(provinces)} provinces, {len(managers)} managers, {len(reps)} reps")
