"""合成分局: a synthetic county bureau (检查对象 and 执法检查人员) for demos, tests and benchmarks.

Deterministic from a seed; pure (no clock: pass `as_of`). Names are fictional; the county, its
towns and the industry codes (GB/T 4754-2017) are real. Proportions, and why:

- entities: ~96% enterprises; ~4% others with a 对象编号 instead of a credit code (construction
  projects with a 竣工日期 tag 1.5%, water-source areas 1%, nature reserves 0.5%, other 1%);
- supervision class (监管类别): general 70%, key 20%, special 10% of enterprises, close to the
  county plans in the seeds (重点排污单位名录 is a minority; 特殊监管对象 are those with recent
  violations, verified complaints or an escalation, and each special entity has at least one);
- permit class follows the class: key -> mostly 重点管理, general -> 简化管理 or 登记管理;
- 正面清单: 10% of general and 8% of key enterprises, never special ones;
- status: in production 90%, suspended 5%, closed 3%, excluded (剔除, with reason and decider) 2%.

Generation is a generator over cheap per-entity work (a few random draws and one check character),
so 1.4 million entities stream to a file in bounded memory.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.domain.credit_code import ALPHABET, check_character
from bot.domain.models import (
    Category,
    Entity,
    EntityKind,
    EntityStatus,
    Inspector,
    InspectorKind,
    PermitClass,
    Recusal,
)

AS_OF = date(2026, 11, 1)


@dataclass(frozen=True)
class County:
    """A county (县级行政区) whose towns, division code and centre the generator uses."""

    province: str
    prefecture: str
    name: str
    division: str
    centre: tuple[float, float]
    towns: tuple[str, ...]


ZUNHUA = County(
    "河北省", "唐山市", "遵化市", "130281", (40.1893, 117.9658),
    ("华明路街道", "文化路街道", "堡子店镇", "马兰峪镇", "平安城镇", "东新庄镇", "新店子镇",
     "党峪镇", "地北头镇", "东旧寨镇", "铁厂镇", "苏家洼镇", "建明镇", "石门镇", "西留村乡",
     "崔家庄乡", "兴旺寨乡", "西下营满族乡", "汤泉满族乡", "东陵满族乡", "刘备寨乡", "团瓢庄乡",
     "娘娘庄乡", "侯家寨乡", "小厂乡"),
)  # fmt: skip


@dataclass(frozen=True)
class Industry:
    """A polluting industry (国民经济行业分类, GB/T 4754-2017) and how its firms are named."""

    code: str
    stems: tuple[str, ...]
    discharges: str
    air: bool
    heavy: bool
    weight: int


INDUSTRIES: tuple[Industry, ...] = (
    Industry("3110", ("钢铁", "冶金"), "废气、废水、固废", True, True, 3),
    Industry("3130", ("轧钢", "钢材"), "废气、废水", True, True, 5),
    Industry("0810", ("矿业", "铁矿"), "废水、固废", True, True, 6),
    Industry("1011", ("石料", "矿业"), "废气", True, False, 4),
    Industry("3011", ("水泥", "建材"), "废气", True, True, 3),
    Industry("3089", ("耐火材料", "耐材"), "废气", True, False, 4),
    Industry("2521", ("焦化", "煤化"), "废气、废水、危废", True, True, 1),
    Industry("2611", ("化工", "硫酸"), "废气、废水、危废", True, True, 2),
    Industry("2614", ("化工", "精细化工"), "废气、废水、危废", True, True, 2),
    Industry("2641", ("涂料", "化工"), "废气、危废", True, False, 2),
    Industry("2710", ("制药", "药业"), "废水、废气、危废", True, True, 1),
    Industry("2221", ("纸业", "造纸"), "废水", False, True, 1),
    Industry("1713", ("印染", "纺织"), "废水", False, True, 1),
    Industry("3360", ("表面处理", "电镀"), "废水、危废", False, True, 2),
    Industry("3311", ("钢结构", "机械"), "废气、危废", True, False, 6),
    Industry("2929", ("塑料制品", "塑业"), "废气", True, False, 6),
    Industry("1391", ("淀粉", "食品"), "废水", False, False, 3),
    Industry("1351", ("肉类", "食品"), "废水", False, False, 3),
    Industry("0313", ("养殖", "牧业"), "废水、废气", True, False, 10),
    Industry("4411", ("热电", "能源"), "废气", True, True, 1),
    Industry("4417", ("生物质能源", "新能源"), "废气", True, False, 1),
    Industry("4620", ("污水处理", "水务"), "废水", False, True, 2),
    Industry("7721", ("环保", "水处理"), "废水", False, False, 2),
    Industry("7724", ("危废处置", "环境科技"), "危废、废气", True, True, 1),
    Industry("8411", ("医院", "医疗"), "废水、危废", False, False, 3),
    Industry("8111", ("汽修", "汽车维修"), "危废", False, False, 8),
)  # fmt: skip
ALL_WEIGHTS = [i.weight for i in INDUSTRIES]
HEAVY = [i for i in INDUSTRIES if i.heavy]
HEAVY_WEIGHTS = [i.weight for i in HEAVY]

TRADE_CHARS = "鑫源宏达盛隆泰华恒通金建兴润丰顺海天远昌博嘉瑞祥德永新众聚诚宝益利鼎晟"
PLACE_CHARS = "东西南北前后上下大小王李张刘杨马石沙河庄营店屯"
ROADS = ("兴业", "建设", "迎宾", "华明", "文化", "工业", "振兴", "通达", "冶金", "北环")
FORMS = ("有限公司", "有限公司", "有限公司", "有限责任公司", "股份有限公司", "厂")
GRADES = ("A", "B", "B", "C", "C", "C", "D", "引领性")
SUSPENSION_REASONS = ("季节性停产", "重污染天气应急停产", "市场原因停产", "设备检修停产")
CLOSURE_REASONS = ("营业执照已注销", "已关停并拆除生产设备", "政策性关停")
EXCLUSION_REASONS = ("营业执照已注销", "已搬迁出辖区", "长期停产且无生产设施")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀兰霞平刚桂英华建国志红玉海东新春雪婷宇浩然博文"
NEW_STYLE_SPACE = 31**6  # "MA" + 6 characters of the credit-code alphabet
OLD_STYLE_SPACE = 10**8  # 8-digit 组织机构代码 of pre-2015 registrations


def org_check(body: str) -> str:
    """Check character of a 组织机构代码 body of 8 characters (GB 11714-1997)."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(
        (int(ch) if ch.isdigit() else ord(ch) - 55) * w for ch, w in zip(body, weights, strict=True)
    )
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def _base31(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 31)
        out.append(ALPHABET[r])
    return "".join(reversed(out))


class _CodeMaker:
    """Unique, valid credit codes: entity i maps through a seeded affine permutation, so codes
    look random, never collide, and need no set of codes already issued."""

    def __init__(self, rng: random.Random, division: str) -> None:
        self.division = division
        self.a_new = rng.randrange(1, NEW_STYLE_SPACE // 31) * 31 + rng.randrange(1, 31)
        self.b_new = rng.randrange(NEW_STYLE_SPACE)
        self.a_old = rng.randrange(1, OLD_STYLE_SPACE // 10) * 10 + rng.choice((1, 3, 7, 9))
        self.b_old = rng.randrange(OLD_STYLE_SPACE)

    def code(self, i: int, new_style: bool) -> str:
        """The credit code of entity i: 9 (市场监管) 1 (企业), division, 组织机构代码, check."""
        if new_style:
            body = "MA" + _base31((i * self.a_new + self.b_new) % NEW_STYLE_SPACE, 6)
        else:
            body = f"{(i * self.a_old + self.b_old) % OLD_STYLE_SPACE:08d}"
        first17 = f"91{self.division}{body}{org_check(body)}"
        return first17 + check_character(first17)


def iter_entities(
    seed: int, count: int, *, county: County = ZUNHUA, as_of: date = AS_OF
) -> Iterator[Entity]:
    """`count` synthetic entities of one county, the same for the same seed."""
    rng = random.Random(seed)
    codes = _CodeMaker(random.Random(f"codes/{seed}"), county.division)
    centres = _town_centres(county)
    for i in range(count):
        town = rng.choice(county.towns)
        lat, lon = centres[town]
        position = (round(rng.gauss(lat, 0.02), 6), round(rng.gauss(lon, 0.025), 6))
        u = rng.random()
        if u < 0.04:
            yield _non_enterprise(rng, i, u, county, town, position, as_of)
        else:
            yield _enterprise(rng, codes, i, county, town, position, as_of)


def generate_entities(seed: int, count: int, **kwargs: object) -> list[Entity]:
    """The entities of iter_entities as a list."""
    return list(iter_entities(seed, count, **kwargs))  # type: ignore[arg-type]


def _town_centres(county: County) -> dict[str, tuple[float, float]]:
    fixed = random.Random(f"towns/{county.division}")  # geography does not change with the seed
    lat, lon = county.centre
    return {
        t: (lat + fixed.uniform(-0.2, 0.2), lon + fixed.uniform(-0.25, 0.25)) for t in county.towns
    }


def _address(rng: random.Random, county: County, town: str, park: float = 0.4) -> str:
    base = f"{county.province}{county.prefecture}{county.name}{town}"
    if rng.random() < park:
        return f"{base}工业园区{rng.choice(ROADS)}路{rng.randint(1, 300)}号"
    return f"{base}{rng.choice(PLACE_CHARS)}{rng.choice(PLACE_CHARS)}村{rng.randint(1, 200)}号"


def _enterprise(rng, codes, i, county, town, position, as_of) -> Entity:  # noqa: ANN001
    u = rng.random()
    category = Category.SPECIAL if u < 0.10 else Category.KEY if u < 0.30 else Category.GENERAL
    if category is Category.KEY:
        industry = rng.choices(HEAVY, HEAVY_WEIGHTS)[0]
    else:
        industry = rng.choices(INDUSTRIES, ALL_WEIGHTS)[0]
    trade = rng.choice(TRADE_CHARS) + rng.choice(TRADE_CHARS)
    name = f"{county.name}{trade}{rng.choice(industry.stems)}{rng.choice(FORMS)}"
    tags = {"排放类型": industry.discharges}
    if industry.air:
        tags["重污染天气绩效分级"] = rng.choice(GRADES)
    status, reason, decided = _status(rng, as_of)
    code = codes.code(i, rng.random() < 0.7)
    return Entity(
        stable_id=code,
        credit_code=code,
        name=name,
        address=_address(rng, county, town),
        region=town,
        industry_code=industry.code,
        category=category,
        permit_class=_permit(rng, category),
        credit_rating=_rating(rng, category),
        positive_list=_positive(rng, category, status),
        tags=tags,
        status=status,
        status_reason=reason,
        status_decided_by=decided,
        latitude=position[0],
        longitude=position[1],
        **_record(rng, category, as_of),
    )


def _permit(rng: random.Random, category: Category) -> PermitClass | None:
    u = rng.random()
    if category is Category.KEY:
        return PermitClass.KEY if u < 0.85 else PermitClass.SIMPLIFIED
    if category is Category.SPECIAL:
        return (PermitClass.KEY, PermitClass.SIMPLIFIED, PermitClass.REGISTRATION)[int(u * 3)]
    return None if u < 0.1 else PermitClass.SIMPLIFIED if u < 0.45 else PermitClass.REGISTRATION


def _rating(rng: random.Random, category: Category) -> str:
    u = rng.random()
    if category is Category.SPECIAL:
        return "警示" if u < 0.4 else "不良" if u < 0.7 else ""
    return "诚信" if u < 0.1 else "良好" if u < 0.4 else ""


def _positive(rng: random.Random, category: Category, status: EntityStatus) -> bool:
    if status is not EntityStatus.OPERATING or category is Category.SPECIAL:
        return False
    return rng.random() < (0.10 if category is Category.GENERAL else 0.08)


def _record(rng: random.Random, category: Category, as_of: date) -> dict[str, object]:
    """Violations, complaints and escalation; a special entity has at least one of them."""
    if category is not Category.SPECIAL:
        complaints = 1 if rng.random() < 0.03 else 0
        return {"verified_complaints": complaints}
    u = rng.random()
    violation = as_of - timedelta(days=rng.randint(20, 700)) if u < 0.7 else None
    complaints = rng.randint(1, 6) if u >= 0.5 else 0
    supervised = rng.random() < 0.3 or (violation is None and complaints == 0)
    return {
        "last_violation_on": violation,
        "verified_complaints": complaints,
        "supervised_rectification": supervised,
    }


def _status(rng: random.Random, as_of: date) -> tuple[EntityStatus, str, str]:
    u = rng.random()
    if u < 0.90:
        return EntityStatus.OPERATING, "", ""
    if u < 0.95:
        return EntityStatus.SUSPENDED, rng.choice(SUSPENSION_REASONS), ""
    decided = f"分局局务会（{as_of - timedelta(days=rng.randint(10, 300))}）"
    if u < 0.98:
        return EntityStatus.CLOSED, rng.choice(CLOSURE_REASONS), decided
    return EntityStatus.EXCLUDED, rng.choice(EXCLUSION_REASONS), decided


def _non_enterprise(rng, i, u, county, town, position, as_of) -> Entity:  # noqa: ANN001
    """Construction projects (1.5%), water-source areas (1%), nature reserves (0.5%), other (1%)."""
    tags: dict[str, str] = {}
    if u < 0.015:
        kind, prefix, category = EntityKind.CONSTRUCTION_PROJECT, "JSXM", Category.GENERAL
        name = f"{county.name}{town}{rng.choice(('年产十万吨', '扩建', '技改', '新建'))}项目"
        tags["竣工日期"] = (as_of + timedelta(days=rng.randint(-300, 400))).isoformat()
    elif u < 0.025:
        kind, prefix, category = EntityKind.WATER_SOURCE, "SYD", Category.KEY
        name = f"{county.name}{town}集中式饮用水水源地"
        tags["水源地级别"] = rng.choice(("县级", "乡镇级"))
    elif u < 0.03:
        kind, prefix, category = EntityKind.NATURE_RESERVE, "ZRBHQ", Category.KEY
        name = f"{county.name}{town}{rng.choice(('山地', '湿地', '森林'))}自然保护区"
    else:
        kind, prefix, category = EntityKind.OTHER, "QT", Category.GENERAL
        name = f"{county.name}{town}{rng.choice(('垃圾填埋场', '畜禽养殖小区', '加油站集中区'))}"
    return Entity(
        stable_id=f"{prefix}-{county.division}-{i:07d}",
        name=name,
        kind=kind,
        address=_address(rng, county, town, park=0.0),
        region=town,
        category=category,
        tags=tags,
        latitude=position[0],
        longitude=position[1],
    )


# --- inspectors ---------------------------------------------------------------------------------

SQUADS = ("执法大队一中队", "执法大队二中队", "执法大队三中队")
OFFICES = (("综合科", ("大气", "水")), ("固废科", ("固废", "危废", "土壤")), ("辐射科", ("辐射",)),
           ("环评科", ("环评", "水", "大气")))  # fmt: skip
SQUAD_SKILLS = ("水", "大气", "固废", "危废", "噪声")
EXPERT_SKILLS = ("环评", "土壤", "辐射", "危废", "噪声", "水", "大气")
RECUSAL_REASONS = ("近亲属在该单位任职", "曾在该单位工作", "本人申请回避（利害关系）")


def generate_inspectors(
    seed: int, count: int, entity_ids: Sequence[str] = (), *, county: County = ZUNHUA
) -> list[Inspector]:
    """`count` inspectors: ~75% in the brigade's squads, the rest in offices; every 12th is an
    auxiliary expert (辅助检查人员), every 19th (from the 6th) is not on duty, and every 15th (from
    the 4th) recuses from one or two of `entity_ids`, when given."""
    rng = random.Random(f"inspectors/{seed}")
    squad_towns = {s: county.towns[k :: len(SQUADS)] for k, s in enumerate(SQUADS)}
    out = []
    for i in range(count):
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2))))
        expert = i % 12 == 11
        if expert:
            dept, skills, region = "专家库", rng.sample(EXPERT_SKILLS, rng.randint(1, 2)), ""
        elif rng.random() < 0.75:
            dept = rng.choice(SQUADS)
            skills, region = (
                rng.sample(SQUAD_SKILLS, rng.randint(1, 3)),
                rng.choice(squad_towns[dept]),
            )
        else:
            dept, pool = rng.choice(OFFICES)
            skills, region = rng.sample(pool, rng.randint(1, len(pool))), ""
        recusals = []
        if entity_ids and i % 15 == 3:
            picked = rng.sample(list(entity_ids[:1000]), min(len(entity_ids), rng.randint(1, 2)))
            recusals = [
                Recusal(entity_stable_id=e, reason=rng.choice(RECUSAL_REASONS)) for e in picked
            ]
        issued = rng.randint(2008, 2025)
        out.append(
            Inspector(
                name=name,
                department=dept,
                certificate_no=None if expert else f"{county.division}{issued % 100:02d}{i:04d}",
                expert_id=f"ZJ-{issued}-{i:03d}" if expert else None,
                expertise=skills,
                region=region,
                years_of_service=min(60, AS_OF.year - issued + rng.randint(0, 8)),
                kind=InspectorKind.EXPERT if expert else InspectorKind.STAFF,
                active=i % 19 != 5,
                recusals=recusals,
            )
        )
    return out
