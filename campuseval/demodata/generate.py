"""The demo city as plain data: a seeded, pure spec of regions, schools, facts and accounts.

The shape follows 滁州市智慧学校建设总体规划（2018—2022年）(seed 004):

- 494 中小学校, 175 of them rural. The rural count per county is the seed's 附件2 (乡村中小学智慧学校
  建设任务分解表); the urban rest (319) is spread by ``COUNTIES`` below, a fixed choice of ours.
- 67 教学点 as in 附件1 (定远县 11, the other counties 56), **in addition to** the 494: the seed
  counts 中小学校 and lists 教学点 separately, so a teaching point is a ``School`` row with stage
  教学点 that is not one of the 494. ``School.objects.exclude(stage="教学点")`` gives 494.
- About 42.7 万 students and 3.16 万 teachers over the 494 schools (the seed's baseline).

Everything here is fictitious: school and place names are built from syllables, person names
from a surname and two given-name characters, phone numbers look like ``0550-00xxxxx`` (a local
number in 0550 never begins with 0, so none can be dialled). No Django import: the spec can be
built and tested without a database; ``services.demo_create`` writes it.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from decimal import Decimal

DEFAULT_SEED = 4
DEFAULT_YEAR = 2022
# Satisfies the password rules (10+ characters, 4 classes, not a common password).
DEFAULT_PASSWORD = "Demo-2022-campus"

PROVINCE = ("340000", "安徽省")
CITY = ("341100", "滁州市")
PROVINCE_DIGITS = "34"  # 学校标识码 digits 3-4
EXPERTS = 12  # expert01 .. expert12, home counties in turn


@dataclass(frozen=True)
class CountySpec:
    code: str
    name: str
    schools: int  # 中小学校, teaching points not included
    rural: int  # of which rural: seed 004 附件2
    teaching_points: int  # seed 004 附件1


# Totals per county are our choice (roughly by population, 天长市 and 琅琊区 mostly urban);
# rural and teaching-point counts are the seed's. Sums: 494 schools, 175 rural, 67 points.
COUNTIES: tuple[CountySpec, ...] = (
    CountySpec("341102", "琅琊区", 45, 1, 0),
    CountySpec("341103", "南谯区", 40, 8, 2),
    CountySpec("341122", "来安县", 54, 26, 1),
    CountySpec("341124", "全椒县", 50, 12, 2),
    CountySpec("341125", "定远县", 88, 42, 11),
    CountySpec("341126", "凤阳县", 78, 44, 33),
    CountySpec("341181", "天长市", 68, 4, 3),
    CountySpec("341182", "明光市", 71, 38, 15),
)

PRIMARY, JUNIOR, SENIOR = "小学", "初中", "高中"
NINE_YEAR, TWELVE_YEAR, COMPLETE = "九年一贯制", "十二年一贯制", "完全中学"
TEACHING_POINT = "教学点"
URBAN, RURAL = "urban", "rural"

# First two digits of the 学校标识码 follow the 办学类型 code: 九年一贯制 (312) is a 31 school,
# 完全中学 (341) and 十二年一贯制 (345) are 34 schools, a 教学点 (218) is a 21 school.
CATEGORY = {
    PRIMARY: "21",
    TEACHING_POINT: "21",
    JUNIOR: "31",
    NINE_YEAR: "31",
    SENIOR: "34",
    COMPLETE: "34",
    TWELVE_YEAR: "34",
}
CENTRAL_STAGES = (PRIMARY, NINE_YEAR)

NAME_SUFFIX = {
    PRIMARY: "小学",
    JUNIOR: "初级中学",
    SENIOR: "高级中学",
    NINE_YEAR: "学校",
    COMPLETE: "中学",
    TWELVE_YEAR: "实验学校",
    TEACHING_POINT: "教学点",
}

# Syllables for place names (two make one, e.g. 桂岗, 青塘); local in flavour, not real places.
PLACE_FIRST = "青柳桂杏荷枫榆桐槐梓芦苇松竹梅兰菱藕禾麦茶桑栗棠杉柏岚溪泉清润和安宁丰泰"
PLACE_SECOND = "岗塘郢圩集店桥湾庄坝冲洼湖埠墩营铺涧滩坡"
SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蒋"
GIVEN_FIRST = "文海春秋志建晓佳雨思家新永云立俊可景若梓"
GIVEN_SECOND = "平宁琳航涵峰颖然霖舟岚彤毅乔楠源杉蕾湘禾"


@dataclass(frozen=True)
class FactsSpec:
    classes: int
    students: int
    teachers: int
    teacher_computers: int
    student_computers: int
    classrooms: int
    multimedia_classrooms: int
    internet_bandwidth_mbps: int
    backbone_bandwidth_mbps: int
    desktop_bandwidth_mbps: int
    wireless_coverage_pct: Decimal
    video_retention_days: int
    it_funds_share_pct: Decimal
    teacher_space_pct: Decimal
    student_space_pct: Decimal
    teacher_resource_pct: Decimal


@dataclass(frozen=True)
class RegionSpec:
    code: str
    name: str
    level: str
    parent_code: str | None


@dataclass(frozen=True)
class SchoolSpec:
    code: str
    name: str
    stage: str
    location: str
    county_code: str
    central_code: str | None
    address: str
    head_name: str
    contact_name: str
    contact_phone: str
    facts: FactsSpec
    lagging: tuple[str, ...]  # the fact checks this school is made to miss (none for most)


@dataclass(frozen=True)
class AccountSpec:
    username: str
    full_name: str
    phone: str
    role: str
    region_code: str | None = None
    school_code: str | None = None
    home_county_code: str | None = None


@dataclass(frozen=True)
class DemoSpec:
    seed: int
    year: int
    regions: tuple[RegionSpec, ...]
    schools: tuple[SchoolSpec, ...]
    accounts: tuple[AccountSpec, ...]


def county_username(code: str) -> str:
    return f"county-{code}"


def school_username(code: str) -> str:
    return f"school-{code}"


def expert_username(n: int) -> str:
    return f"expert{n:02d}"


def _stages(n: int, location: str) -> list[str]:
    """A fixed stage mix: mostly primary; secondary kinds only in towns."""

    def share(p: float) -> int:
        return round(n * p)

    if location == RURAL:
        mix = {NINE_YEAR: share(0.15), JUNIOR: share(0.15)}
    else:
        mix = {
            JUNIOR: share(0.20),
            SENIOR: share(0.10),
            NINE_YEAR: share(0.07),
            COMPLETE: share(0.05),
            TWELVE_YEAR: 1 if n >= 40 else 0,
        }
    stages = [s for s, k in mix.items() for _ in range(k)]
    return [PRIMARY] * (n - len(stages)) + stages


# (classes lo, hi; students per class lo, hi; students per teacher lo, hi), tuned so that the
# 494 schools hold about 42.7 万 students and 3.16 万 teachers.
SIZES: dict[tuple[str, str], tuple[int, int, int, int, float, float]] = {
    (URBAN, PRIMARY): (12, 32, 42, 50, 15.5, 18.5),
    (RURAL, PRIMARY): (6, 12, 24, 36, 10.5, 14.0),
    (URBAN, JUNIOR): (12, 30, 45, 52, 11.0, 13.0),
    (RURAL, JUNIOR): (6, 12, 36, 48, 9.5, 12.5),
    (URBAN, SENIOR): (24, 48, 48, 55, 10.5, 12.5),
    (URBAN, NINE_YEAR): (18, 36, 42, 50, 13.0, 15.5),
    (RURAL, NINE_YEAR): (9, 18, 30, 42, 10.5, 13.5),
    (URBAN, COMPLETE): (30, 54, 46, 54, 10.5, 12.5),
    (URBAN, TWELVE_YEAR): (45, 80, 42, 50, 11.5, 13.5),
    (RURAL, TEACHING_POINT): (1, 4, 4, 14, 6.0, 10.0),
}
# Students per student computer that the rubrics allow (Taizhou 1.2.2); stages it does not
# name are held to the nearest one.
COMPUTER_LIMIT = {
    PRIMARY: 10.0,
    JUNIOR: 8.0,
    SENIOR: 6.0,
    NINE_YEAR: 8.0,
    COMPLETE: 6.0,
    TWELVE_YEAR: 6.0,
    TEACHING_POINT: 10.0,
}
# Ways a lagging school misses a fact check; the students-per-computer one only where the
# check names the stage.
LAG_MODES = (
    "internet_bandwidth",
    "backbone_bandwidth",
    "desktop_bandwidth",
    "wireless",
    "multimedia",
    "teacher_computers",
    "student_computers",
    "video",
    "it_funds",
    "spaces",
    "resources",
)
CHECKED_STAGES = (PRIMARY, JUNIOR, SENIOR)
LAGGING_SHARE = {URBAN: 0.12, RURAL: 0.30}


def _pct(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _facts(rng: random.Random, location: str, stage: str, lagging: tuple[str, ...]) -> FactsSpec:
    c_lo, c_hi, s_lo, s_hi, r_lo, r_hi = SIZES[(location, stage)]
    classes = rng.randint(c_lo, c_hi)
    students = round(classes * rng.uniform(s_lo, s_hi))
    teachers = max(1, round(students / rng.uniform(r_lo, r_hi)))
    if "teacher_computers" in lagging:
        teacher_computers = max(1, math.floor(teachers / rng.uniform(1.15, 1.6)))
    else:  # seed 004: 0.86 teachers per computer
        teacher_computers = math.ceil(teachers / rng.uniform(0.78, 0.95))
    limit = COMPUTER_LIMIT[stage]
    if "student_computers" in lagging:
        student_computers = max(1, math.floor(students / (limit * rng.uniform(1.1, 1.6))))
    else:  # seed 004: 6.68 students per computer over the city
        student_computers = math.ceil(students / (limit * rng.uniform(0.62, 0.98)))
    classrooms = classes + rng.randint(0, 3)
    multimedia = classrooms
    if "multimedia" in lagging:
        multimedia = classrooms - rng.randint(1, max(1, classrooms // 4))
    if stage == TEACHING_POINT:
        internet = rng.choice((100, 200, 200, 300))
        backbone, desktop = rng.choice((100, 1000)), 100
    else:
        internet = rng.choice((1000, 1000, 1000, 2000) if location == URBAN else (1000,))
        backbone = rng.choice((1000, 1000, 10000) if location == URBAN else (1000,))
        desktop = rng.choice((100, 100, 1000) if location == URBAN else (100,))
    if "internet_bandwidth" in lagging:
        internet = rng.choice((200, 300, 500))
    if "backbone_bandwidth" in lagging:
        backbone = 100
    if "desktop_bandwidth" in lagging:
        desktop = 10
    return FactsSpec(
        classes=classes,
        students=students,
        teachers=teachers,
        teacher_computers=teacher_computers,
        student_computers=student_computers,
        classrooms=classrooms,
        multimedia_classrooms=multimedia,
        internet_bandwidth_mbps=internet,
        backbone_bandwidth_mbps=backbone,
        desktop_bandwidth_mbps=desktop,
        wireless_coverage_pct=_pct(rng.uniform(40, 95) if "wireless" in lagging else 100),
        video_retention_days=rng.choice((7, 15, 20) if "video" in lagging else (30, 30, 60, 90)),
        it_funds_share_pct=_pct(
            rng.uniform(1.5, 4.8) if "it_funds" in lagging else rng.uniform(5, 12)
        ),
        teacher_space_pct=_pct(rng.uniform(85, 99) if "spaces" in lagging else 100),
        student_space_pct=_pct(rng.uniform(80, 99) if "spaces" in lagging else 100),
        teacher_resource_pct=_pct(
            rng.uniform(60, 89) if "resources" in lagging else rng.uniform(90, 100)
        ),
    )


class _Names:
    """Unique place names and fictitious person names and phone numbers, from one RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.places = [a + b for a in PLACE_FIRST for b in PLACE_SECOND]
        rng.shuffle(self.places)
        self.phones = rng.sample(range(100000), 2000)

    def place(self) -> str:
        return self.places.pop()

    def person(self) -> str:
        r = self.rng
        return r.choice(SURNAMES) + r.choice(GIVEN_FIRST) + r.choice(GIVEN_SECOND)

    def phone(self) -> str:
        return f"0550-00{self.phones.pop():05d}"


@dataclass
class _Draft:
    county: CountySpec
    stage: str
    location: str
    central: int | None = None  # a teaching point's central school, by index in the city list
    is_central: bool = False
    lagging: bool = False


def _county_drafts(rng: random.Random, spec: CountySpec, start: int) -> list[_Draft]:
    """The county's schools, then its teaching points, each attached to a rural central school."""
    drafts = [_Draft(spec, s, RURAL) for s in _stages(spec.rural, RURAL)]
    drafts += [_Draft(spec, s, URBAN) for s in _stages(spec.schools - spec.rural, URBAN)]
    rng.shuffle(drafts)
    for location in (URBAN, RURAL):
        group = [d for d in drafts if d.location == location]
        for d in rng.sample(group, round(len(group) * LAGGING_SHARE[location])):
            d.lagging = True
    eligible = [
        i for i, d in enumerate(drafts) if d.location == RURAL and d.stage in CENTRAL_STAGES
    ]
    rng.shuffle(eligible)
    for n in range(spec.teaching_points):
        central = eligible[n % len(eligible)]
        drafts[central].is_central = True
        drafts.append(_Draft(spec, TEACHING_POINT, RURAL, central=start + central))
    return drafts


def _lag_modes(rng: random.Random, d: _Draft, force_computers: bool) -> tuple[str, ...]:
    if not (d.lagging or d.stage == TEACHING_POINT):
        return ()
    modes = [m for m in LAG_MODES if m != "student_computers" or d.stage in CHECKED_STAGES]
    picked = rng.sample(modes, rng.randint(1, 3))
    if force_computers and "student_computers" not in picked:
        picked[0] = "student_computers"
    return tuple(m for m in LAG_MODES if m in picked)


def generate_demo(*, seed: int = DEFAULT_SEED, year: int = DEFAULT_YEAR) -> DemoSpec:
    """The whole demo city for ``seed``: the same seed always gives the same spec."""
    rng = random.Random(seed)
    names = _Names(rng)
    drafts: list[_Draft] = []
    for spec in COUNTIES:
        drafts += _county_drafts(rng, spec, len(drafts))
    # Unique 6-digit sequences, ascending through the counties in order.
    sequences = sorted(rng.sample(range(1, 1_000_000), len(drafts)))
    codes = [
        CATEGORY[d.stage] + PROVINCE_DIGITS + f"{n:06d}"
        for d, n in zip(drafts, sequences, strict=True)
    ]
    towns = {spec.code: [names.place() for _ in range(spec.rural // 6 + 2)] for spec in COUNTIES}

    schools: list[SchoolSpec] = []
    lagging_primaries = 0
    for d, code in zip(drafts, codes, strict=True):
        # Every third lagging primary school has too few computers, so that the demo always
        # shows Taizhou 1.2.2's warning (more than 10 students per computer).
        force = d.stage == PRIMARY and d.lagging and lagging_primaries % 3 == 0
        lagging_primaries += d.stage == PRIMARY and d.lagging
        lag = _lag_modes(rng, d, force)
        place = names.place()
        county = d.county.name
        if d.location == RURAL:
            address = f"安徽省滁州市{county}{rng.choice(towns[d.county.code])}镇{place}村"
        else:
            address = f"安徽省滁州市{county}{place}路{rng.randint(1, 399)}号"
        suffix = "中心小学" if d.is_central and d.stage == PRIMARY else NAME_SUFFIX[d.stage]
        schools.append(
            SchoolSpec(
                code=code,
                name=f"{county}{place}{suffix}",
                stage=d.stage,
                location=d.location,
                county_code=d.county.code,
                central_code=None if d.central is None else codes[d.central],
                address=address,
                head_name=names.person(),
                contact_name=names.person(),
                contact_phone=names.phone(),
                facts=_facts(rng, d.location, d.stage, lag),
                lagging=lag,
            )
        )

    regions = (
        RegionSpec(*PROVINCE, "province", None),
        RegionSpec(*CITY, "city", PROVINCE[0]),
        *(RegionSpec(c.code, c.name, "county", CITY[0]) for c in COUNTIES),
    )
    return DemoSpec(seed, year, regions, tuple(schools), _accounts(names, schools))


def _accounts(names: _Names, schools: list[SchoolSpec]) -> tuple[AccountSpec, ...]:
    city = CITY[0]
    accounts = [
        AccountSpec("admin", names.person(), names.phone(), "platform_admin"),
        AccountSpec("city", names.person(), names.phone(), "city_admin", region_code=city),
    ]
    accounts += [
        AccountSpec(
            county_username(c.code),
            names.person(),
            names.phone(),
            "county_admin",
            region_code=c.code,
        )
        for c in COUNTIES
    ]
    accounts += [
        AccountSpec(
            school_username(s.code),
            s.contact_name,
            s.contact_phone,
            "school_user",
            school_code=s.code,
        )
        for s in schools
    ]
    # Experts' home counties go round the eight counties in order.
    accounts += [
        AccountSpec(
            expert_username(n),
            names.person(),
            names.phone(),
            "expert",
            region_code=city,
            home_county_code=COUNTIES[(n - 1) % len(COUNTIES)].code,
        )
        for n in range(1, EXPERTS + 1)
    ]
    accounts.append(
        AccountSpec("observer", names.person(), names.phone(), "observer", region_code=city)
    )
    return tuple(accounts)
