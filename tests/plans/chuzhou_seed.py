"""Chuzhou's two 任务分解表 as the seed prints them (seeds/004, 附件1 and 附件2), typed out again
independently of the shipped CSV files so the tests compare two transcriptions.

Each row: (label, 合计数, ((建设数, 完成率) for 2019..2022)); None where the seed prints ——.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parents[2] / "campuseval" / "plans" / "data"
PLAN_CSV = DATA / "chuzhou-2019-2022.csv"
GROUPS_CSV = DATA / "chuzhou-groups.csv"
STATED_CSV = DATA / "chuzhou-stated-rates.csv"
SCHOOLS_CSV = DATA / "chuzhou-2019-schools.csv"
SEED = Path("/work/shared/seeds/004_34cfde088928a2f9.txt")

POINTS = "教学点智慧课堂"
RURAL = "乡村中小学智慧学校"
YEARS = (2019, 2020, 2021, 2022)
_ = None

# 附件1 滁州市教学点智慧课堂建设任务分解表
POOR = [("定远县", 11, ((11, 100), (_, _), (_, _), (_, _)))]
POOR_SUBTOTAL = ("小计", 11, ((11, 100), (_, _), (_, _), (_, _)))
OTHER = [
    ("琅琊区", 0, ((_, _), (_, _), (_, _), (_, _))),
    ("南谯区", 2, ((1, 50), (1, 100), (_, _), (_, _))),
    ("来安县", 1, ((1, 100), (_, _), (_, _), (_, _))),
    ("全椒县", 2, ((1, 50), (1, 100), (_, _), (_, _))),
    ("凤阳县", 33, ((3, 9), (3, 18), (7, 39), (20, 100))),
    ("天长市", 3, ((1, 33), (1, 66), (1, 100), (_, _))),
    ("明光市", 15, ((2, 13), (2, 27), (3, 47), (8, 100))),
]
OTHER_SUBTOTAL = ("小计", 56, ((9, 16), (8, 30), (11, 50), (28, 100)))

# 附件2 滁州市乡村中小学智慧学校建设任务分解表
RURAL_ROWS = [
    ("琅琊区", 1, ((1, 100), (_, _), (_, _), (_, _))),
    ("南谯区", 8, ((6, 75), (2, 100), (_, _), (_, _))),
    ("来安县", 26, ((2, 8), (8, 38), (6, 62), (10, 100))),
    ("全椒县", 12, ((3, 25), (3, 50), (6, 100), (_, _))),
    ("定远县", 42, ((5, 12), (15, 48), (14, 81), (8, 100))),
    ("凤阳县", 44, ((11, 25), (11, 50), (11, 75), (11, 100))),
    ("天长市", 4, ((1, 25), (1, 50), (2, 100), (_, _))),
    ("明光市", 38, ((1, 3), (13, 37), (6, 53), (18, 100))),
]
RURAL_TOTAL = ("全市合计", 175, ((30, 17), (53, 47), (45, 73), (47, 100)))

# The printed rates that half up does not give: (category, county, year, printed, half up).
DISAGREEMENTS = [(POINTS, "天长市", 2020, 66, 67)]

# The 2019 明细表: 小计 per county as printed (附件1: 数量; 附件2: 小计(所)) and the 合计 rows.
SCHOOLS_2019 = {
    POINTS: {"定远县": 11, "南谯区": 1, "来安县": 1, "全椒县": 1, "凤阳县": 3, "天长市": 1, "明光市": 2},
    RURAL: {
        "琅琊区": 1, "南谯区": 6, "来安县": 2, "全椒县": 3,
        "定远县": 5, "凤阳县": 11, "天长市": 1, "明光市": 1,
    },
}  # fmt: skip
SCHOOLS_2019_TOTALS = {POINTS: {"贫困地区": 11, "其他地区": 9}, RURAL: {"合计": 30}}
