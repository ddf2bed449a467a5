"""The data generator's shared context. Each app registers a step in ``core.registry.generator_steps``.

Scale N means: N customers and N opportunities, and reps = N / 2000 (6 to 500).
Everything is seeded, so the same scale and seed give the same data (dates are relative to "now").

Generated rows are written with :func:`insert_rows`: plain tuples, ids assigned here, COPY on PostgreSQL and
``bulk_create`` elsewhere. No model instances are saved one by one, so no signals fire and no audit rows are
written for generated data (it is a starting state, not a series of user actions).
"""

import datetime
import json
import random
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone

BATCH = 5000
DAY = 86400.0


@dataclass
class GenerateContext:
    scale: int
    seed: int = 7
    stdout: object = None
    rng: random.Random = field(init=False)
    now: datetime.datetime = field(default_factory=timezone.now)
    shared: dict = field(default_factory=dict)  # what earlier steps made (reps, teams, regions, customers, ...)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        self.now_ts = self.now.timestamp()

    @property
    def rep_count(self) -> int:
        return max(6, min(500, self.scale // 2000))

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message)

    def moment(self, ts: float) -> datetime.datetime:
        """An aware datetime from a POSIX timestamp (the generator plans in seconds, writes datetimes)."""
        return datetime.datetime.fromtimestamp(ts, tz=datetime.UTC)

    def day(self, ts: float) -> datetime.date:
        return timezone.localtime(self.moment(ts)).date()


# Company names: city + brand (two syllables) + trade + legal form. Uniqueness is by the combination of the
# first three (the part duplicate detection compares), never by a numeric suffix.
CITIES = ("上海 北京 深圳 广州 杭州 南京 苏州 成都 武汉 西安 天津 重庆 长沙 青岛 厦门 合肥 宁波 郑州 济南 沈阳 "
          "大连 福州 无锡 东莞 佛山 昆明 南昌 贵阳 南宁 太原 石家庄 哈尔滨 长春 兰州 温州 珠海 常州 烟台 徐州 "
          "绍兴 嘉兴 台州 泉州 中山 惠州 扬州 南通 洛阳 芜湖 潍坊").split()
BRAND_HEADS = ("华 东 中 宏 金 天 恒 瑞 鼎 新 汇 博 盛 联 安 卓 云 海 远 嘉 "
               "星 蓝 启 万 锦 同 宇 信 泰 德 永 佳 和 正 鸿 通 润 达 康 晟").split()
BRAND_TAILS = ("信 方 科 达 桥 元 通 丰 盛 锐 智 远 世 创 泰 越 帆 纳 航 禾 "
               "辰 海 明 象 程 瑞 图 邦 源 诚 悦 晖 成 泽 川 峰 宁 德 恒 鑫").split()
TRADES = ("科技 信息技术 智能制造 医疗器械 新材料 物流 电子 生物科技 软件 能源 建设 贸易 环保科技 精密机械 食品 "
          "化工 汽车零部件 光电 数据服务 网络科技 传媒 教育科技 家居 纺织 仪器仪表 电气 供应链 工程技术 农业科技 "
          "检测技术 包装 通信技术 机器人 新能源 医药 文化发展 咨询 安防科技 半导体 印刷").split()
LEGAL_FORMS = ("有限公司", "有限公司", "有限公司", "股份有限公司", "集团有限公司")


class CompanyNames:
    """Unique, real-looking company names; customers and leads draw from the same instance so a lead never
    collides with an existing customer (which would make converting it fail as a duplicate)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[int] = set()
        self.brands = sorted({h + t for h in BRAND_HEADS for t in BRAND_TAILS if h != t})
        self.capacity = len(CITIES) * len(self.brands) * len(TRADES)

    def take(self) -> str:
        rng = self.rng
        if len(self.used) > self.capacity * 0.8:
            raise RuntimeError("too many company names asked for: add words to the generator's lists")
        while True:
            c, b, t = rng.randrange(len(CITIES)), rng.randrange(len(self.brands)), rng.randrange(len(TRADES))
            key = (c * len(self.brands) + b) * len(TRADES) + t
            if key not in self.used:
                self.used.add(key)
                return f"{CITIES[c]}{self.brands[b]}{TRADES[t]}{rng.choice(LEGAL_FORMS)}"


def company_names(ctx: GenerateContext) -> CompanyNames:
    if "company_names" not in ctx.shared:
        ctx.shared["company_names"] = CompanyNames(ctx.rng)
    return ctx.shared["company_names"]


def next_id(model) -> int:
    """The first free primary key of ``model``: the generator assigns ids itself so children can refer to them."""
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


@contextmanager
def bulk_load(tables: list[str], stdout=None):
    """On PostgreSQL, inside the caller's transaction: drop the secondary indexes of ``tables`` (not those backing a
    constraint)
    and skip foreign-key triggers while generating, then build the indexes again in one pass each. Generated rows
    refer only to rows generated before them, so the checks have nothing to find; building an index once after the
    load is several times cheaper than updating it per row. Elsewhere this does nothing."""
    if connection.vendor != "postgresql":
        yield
        return
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        checks = "skipped"
        try:
            with transaction.atomic():
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:  # not a superuser: keep the checks, they are only slower
            checks = "kept (not a superuser)"
        cursor.execute("""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) AND NOT EXISTS (
                SELECT 1 FROM pg_constraint c
                WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
        """, [list(tables)])
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    rebuilt = time.monotonic()
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        cursor.execute("SET LOCAL session_replication_role = DEFAULT")
    if stdout is not None:
        stdout.write(f"  {len(indexes)} indexes rebuilt in {time.monotonic() - rebuilt:.1f}s "
                     f"(bulk load {rebuilt - started:.1f}s, foreign-key checks {checks})")


def _same(value):
    return value


def _sqlite_value(field):
    """How a generated value of ``field`` is written to SQLite: as Django's backend would, for the usual fields
    (aware datetimes as naive UTC text, JSON as text), else through the field itself."""
    if isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else str(v.astimezone(datetime.UTC).replace(tzinfo=None))
    if isinstance(field, models.JSONField):
        return lambda v: None if v is None else json.dumps(v)
    if isinstance(field, models.DateField | models.TimeField):
        return lambda v: None if v is None else str(v)
    if isinstance(field, models.ForeignKey | models.CharField | models.TextField | models.IntegerField
                  | models.BooleanField | models.DecimalField | models.FloatField):
        return _same
    return lambda v: field.get_db_prep_save(v, connection)


def insert_rows(model, columns: list[str], rows, *, ctx: GenerateContext | None = None, label: str = "") -> int:
    """Write rows (tuples of attribute values in ``columns`` order) to ``model``'s table; returns the count.

    Columns not given take the field's default (evaluated once). Rows that carry an ``id`` column keep it, and the
    table's id sequence is moved past them on PostgreSQL. Uses COPY on PostgreSQL, ``executemany`` on SQLite,
    ``bulk_create`` elsewhere.
    """
    started = time.monotonic()
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and f.attname not in columns)]
    given = {name: i for i, name in enumerate(columns)}
    unknown = set(columns) - {f.attname for f in fields}
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {sorted(unknown)}")
    now = timezone.now()
    fixed = {}
    for f in fields:
        if f.attname not in given:
            auto = getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
            fixed[f.attname] = now if auto else f.get_default()
    count = 0
    if connection.vendor == "postgresql":
        plan = [(given.get(f.attname), fixed.get(f.attname)) for f in fields]
        json_at = [k for k, f in enumerate(fields) if isinstance(f, models.JSONField)]
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                values = [row[i] if i is not None else v for i, v in plan]
                for k in json_at:
                    values[k] = json.dumps(values[k])
                copy.write_row(values)
                count += 1
        if "id" in given:
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
                    cursor.execute(sql)
    elif connection.vendor == "sqlite":  # executemany of plain values: bulk_create's per-field work is 10x slower
        plan = [(given.get(f.attname), fixed.get(f.attname), _sqlite_value(f)) for f in fields]
        names = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        sql = (f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) "  # noqa: S608
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        chunk = []
        with connection.cursor() as cursor:
            for row in rows:
                chunk.append([convert(row[i] if i is not None else v) for i, v, convert in plan])
                if len(chunk) >= BATCH:
                    cursor.executemany(sql, chunk)
                    count += len(chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
                count += len(chunk)
    else:
        chunk = []
        for row in rows:
            values = dict(fixed)
            values.update(zip(columns, row, strict=True))
            chunk.append(model(**values))
            if len(chunk) >= BATCH:
                model.objects.bulk_create(chunk, batch_size=BATCH)
                count += len(chunk)
                chunk = []
        if chunk:
            model.objects.bulk_create(chunk, batch_size=BATCH)
            count += len(chunk)
    if ctx:
        ctx.log(f"  {label or model._meta.verbose_name_plural}: {count:,} in {time.monotonic() - started:.1f}s")
    return count

