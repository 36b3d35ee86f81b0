"""The pure rules of a target's outlook (issue 9): status, reason, projection, gap sentences."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campuseval.plans.outlook import (
    LIGHT,
    Outlook,
    Pipeline,
    Projection,
    Status,
    assess,
    count_for_share,
    expected,
    gap_sentence,
    growth_band,
    percent_half_up,
    shortfall_sentence,
    zh_date,
)

START, DUE = date(2026, 1, 1), date(2026, 12, 31)
AUGUST = date(2026, 8, 1)  # 212 of 364 days: 序时进度 of 25 is 14.56, shown as 15


def year_target(current, today=AUGUST, **kw):
    kw.setdefault("target", 25)
    return assess(current=current, start=START, due=DUE, today=today, **kw)


# --- statuses, constructed ---------------------------------------------------------------------


def test_on_track_when_at_or_above_the_expected_progress():
    view = year_target(16)
    assert view.status is Status.ON_TRACK
    assert view.reason == "当前 16 所，达到序时进度 15 所（目标 25 所，2026-12-31 到期）"
    assert view.expected == 15
    assert view.needed == 9
    assert view.projection is None


def test_rounded_expected_progress_is_what_counts_and_what_is_shown():
    # 14.56 is shown as 15: 14 is behind; on 2026-07-30 (14.42, shown 14) 14 is on track
    assert year_target(14).status is Status.BEHIND
    assert year_target(14, today=date(2026, 7, 30)).status is Status.ON_TRACK


def test_behind_the_expected_progress():
    view = year_target(12)
    assert view.status is Status.BEHIND
    assert view.reason == "当前 12 所，按序时进度应达 15 所（目标 25 所，2026-12-31 到期）"
    assert view.growth_ratio == Decimal("0.66")  # 12/13 of the growth still needed per day
    assert view.band == "需要加速"
    assert view.projected == 21  # 12 + 12/212 per day × 152 days, half up


def test_cannot_be_reached_at_the_growth_so_far_is_a_warning():
    view = year_target(5)
    assert view.status is Status.WARNING
    assert view.reason == (
        "当前 5 所，按目前增速到期约 9 所，达不到目标 25 所（2026-12-31 到期）；增速仅为所需的 18%"
    )
    assert view.band == "进展有限"


def test_worsening_is_a_warning():
    view = year_target(8, baseline=10)
    assert view.status is Status.WARNING
    assert view.reason == "当前 8 所，较基线 10 所倒退，达不到目标 25 所（2026-12-31 到期）"
    assert view.band == "倒退"


def test_the_pipeline_high_end_short_of_the_target_is_a_warning():
    pipe = Pipeline([("已推荐", 5, Fraction(4, 5))])
    view = year_target(12, pipeline=pipe)
    assert view.projection == Projection(low=14, mid=16, high=17)  # 16 ± 2·sqrt(0.8), at most 12 + 5
    assert view.status is Status.WARNING
    assert view.reason == (
        "当前 12 所，按在途申报和上年通过率预测到期最多 17 所（预计 16 所），"
        "达不到目标 25 所（2026-12-31 到期）"
    )


def test_an_empty_pipeline_says_so():
    view = year_target(12, pipeline=Pipeline([("已提交", 0, Fraction(1, 2))]))
    assert view.status is Status.WARNING
    assert view.reason == "当前 12 所，目前没有在途申报，达不到目标 25 所（2026-12-31 到期）"


def test_a_pipeline_that_can_reach_the_target_overrides_slow_growth():
    pipe = Pipeline([("已提交", 30, Fraction(1, 2)), ("已推荐", 10, Decimal("0.9"))])
    assert year_target(5).status is Status.WARNING
    view = year_target(5, pipeline=pipe)
    assert view.projection is not None and view.projection.high >= 25
    assert view.status is Status.BEHIND


def test_done_and_done_after_the_due_date_stays_done():
    view = year_target(25)
    assert view.status is Status.DONE
    assert view.reason == "当前 25 所，已达到目标 25 所"
    assert view.needed == 0
    assert year_target(26, today=date(2027, 2, 1)).status is Status.DONE


def test_overdue_after_the_due_date():
    view = year_target(20, today=date(2027, 1, 1))
    assert view.status is Status.OVERDUE
    assert view.reason == "已于 2026-12-31 到期，当前 20 所，距目标 25 所还差 5 所"
    assert view.needed == 5


def test_on_the_due_date_a_shortfall_is_behind_not_overdue():
    assert year_target(24, today=DUE).status is Status.BEHIND


@pytest.mark.parametrize("today", [START, START - timedelta(days=30)])
def test_no_warning_without_evidence(today):
    # nothing elapsed, no pipeline: judged by 序时进度 (the baseline) only
    assert year_target(0, today=today).status is Status.ON_TRACK
    view = year_target(8, baseline=10, today=today)
    assert view.status is Status.BEHIND
    assert view.growth_ratio is None and view.projected is None


def test_percent_targets_work_the_same():
    view = assess(target=80, current=55, baseline=40, start=START, due=DUE, today=date(2026, 7, 2), unit="%")
    # 182 of 364 days: 序时进度 60%; growth so far 15 points over 182 days, 25 still needed
    assert view.status is Status.BEHIND
    assert view.reason == "当前 55%，按序时进度应达 60%（目标 80%，2026-12-31 到期）"
    assert view.growth_ratio == Decimal("0.60")


def test_percent_pipeline_with_a_scale():
    # 40 schools; 20 certified (50%), 10 recommended at 9/10: +22.5 points expected
    pipe = Pipeline([("已推荐", 10, Fraction(9, 10))], scale=Fraction(100, 40))
    proj = pipe.projection(50)
    assert proj.mid == 73  # 72.5 half up
    assert proj.low <= proj.mid <= proj.high <= 75
    view = assess(target=80, current=50, start=START, due=DUE, today=AUGUST, unit="%", pipeline=pipe)
    assert view.status is Status.WARNING


def test_lower_is_better():
    common = {"target": 10, "baseline": 14, "start": START, "due": DUE, "higher_is_better": False}
    assert assess(current=9, today=AUGUST, **common).status is Status.DONE
    view = assess(current=11, today=date(2026, 7, 2), **common)  # expected 12
    assert view.status is Status.ON_TRACK
    assert view.needed == 1
    assert assess(current=13, today=date(2026, 11, 1), **common).status is Status.WARNING
    with pytest.raises(ValueError):
        assess(current=13, today=AUGUST, pipeline=Pipeline([]), **common)


def test_places_for_decimal_kpis():
    view = assess(target=Decimal("2.5"), current=Decimal("1.2"), start=START, due=DUE, today=AUGUST, unit="Mbps", places=1)
    assert view.expected == Decimal("1.5")
    assert view.needed == Decimal("1.3")
    assert view.reason == "当前 1.2 Mbps，按序时进度应达 1.5 Mbps（目标 2.5 Mbps，2026-12-31 到期）"


def test_a_status_only_outlook_for_milestones():
    view = Outlook(Status.ON_TRACK, "2026-12-31 前完成：出台规范")
    assert view.expected is None and view.needed == 0 and view.band is None


def test_status_words_lights_and_order():
    assert [s.label for s in Status] == ["已完成", "正常", "滞后", "预警", "逾期"]
    assert [s.severity for s in Status] == [0, 1, 2, 3, 4]
    assert LIGHT == {
        Status.DONE: "success", Status.ON_TRACK: "primary", Status.BEHIND: "warning",
        Status.WARNING: "danger", Status.OVERDUE: "dark",
    }
    assert Status.BEHIND.light == "warning"
    assert Status("on_track") is Status.ON_TRACK and Status.DONE == "done"


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        expected(0, 10, DUE, START, AUGUST)
    with pytest.raises(ValueError):
        Pipeline([("x", -1, Fraction(1, 2))])
    with pytest.raises(ValueError):
        Pipeline([("x", 1, Fraction(3, 2))])
    with pytest.raises(ValueError):
        Pipeline([("x", 1, Fraction(1, 2))]).projection(Decimal("1.5"))
    with pytest.raises(TypeError):
        percent_half_up(0.5, 1)  # type: ignore[arg-type]


# --- rates and shares ----------------------------------------------------------------------------


def test_percent_half_up_examples():
    assert percent_half_up(1, 8) == 13  # 12.5
    assert percent_half_up(1, 3) == 33
    assert percent_half_up(2, 3) == 67
    assert percent_half_up(0, 5) == 0
    assert percent_half_up(3, 0) is None
    assert percent_half_up(Decimal("0.125"), 1) == 13


def test_count_for_share_examples():
    assert count_for_share(80, 10) == 8
    assert count_for_share(50, 3) == 2
    assert count_for_share(80, 3) == 3
    assert count_for_share(0, 7) == 0
    assert count_for_share(13, 8) == 1  # 1/8 = 12.5% shows as 13%
    assert count_for_share(50, 0) == 0


# --- sentences -------------------------------------------------------------------------------------


def test_gap_sentences():
    assert gap_sentence(place="定远县", needed=3, unit="所", what="学校被推荐并通过认定", by=date(2026, 8, 31)) == (
        "定远县还需 3 所学校在 8 月 31 日前被推荐并通过认定"
    )
    assert gap_sentence(
        place="定远县", needed=3, unit="所", what="学校被推荐并通过认定", by=date(2027, 1, 15), today=date(2026, 9, 1)
    ) == "定远县还需 3 所学校在 2027 年 1 月 15 日前被推荐并通过认定"
    assert gap_sentence(
        place="定远县", needed=3, unit="所", what="学校被推荐并通过认定", by=date(2026, 8, 31), today=date(2026, 3, 1)
    ) == "定远县还需 3 所学校在 8 月 31 日前被推荐并通过认定"
    assert gap_sentence(place="凤阳县", needed=1, unit="所", what="学校通过认定", by=None) == (
        "凤阳县还需 1 所学校通过认定"
    )
    assert gap_sentence(place="凤阳县", needed=2, unit="个", what="完成建设", by=date(2026, 6, 30)) == (
        "凤阳县还需 2 个在 6 月 30 日前完成建设"
    )
    assert gap_sentence(place="凤阳县", needed=0, unit="所", what="学校通过认定", by=None) == ""


def test_shortfall_sentence():
    assert shortfall_sentence("教学点智慧课堂", 2021, 4, "个") == "教学点智慧课堂：2021 年还差 4 个"
    assert shortfall_sentence(category="教学点智慧课堂", year=2021, needed=0, unit="个") == ""


def test_chinese_dates():
    assert zh_date(date(2026, 8, 31)) == "8 月 31 日"
    assert zh_date(date(2027, 1, 15), today=date(2026, 12, 1)) == "2027 年 1 月 15 日"


def test_growth_bands():
    assert growth_band(Decimal("0.95")) == "进度正常"
    assert growth_band(Decimal("0.94")) == "需要加速"
    assert growth_band(Decimal("0.6")) == "需要加速"
    assert growth_band(Decimal("0.59")) == "进展有限"
    assert growth_band(0) == "进展有限"
    assert growth_band(Decimal("-0.01")) == "倒退"
    assert growth_band(None) is None


# --- properties --------------------------------------------------------------------------------------

amounts = st.integers(0, 500)
rates = st.fractions(min_value=0, max_value=1, max_denominator=40)
stages = st.lists(st.tuples(st.sampled_from(["已提交", "已推荐", "已认定"]), st.integers(0, 60), rates), max_size=4)


@st.composite
def windows(draw):
    start = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 400)))
    due = start + timedelta(days=draw(st.integers(0, 1500)))
    return start, due


@given(amounts, amounts, windows(), st.integers(-50, 1600), st.integers(0, 1600))
def test_expected_is_monotone_in_today_and_within_baseline_and_target(baseline, target, window, d1, d2):
    start, due = window
    t1, t2 = sorted([start + timedelta(days=d1), start + timedelta(days=d1 + d2)])
    e1, e2 = expected(baseline, target, start, due, t1), expected(baseline, target, start, due, t2)
    low, high = min(baseline, target), max(baseline, target)
    assert low <= e1 <= high and low <= e2 <= high
    assert (e1 <= e2) if target >= baseline else (e1 >= e2)
    if t1 <= start and t1 < due:
        assert e1 == baseline
    if t2 >= due:
        assert e2 == target


@given(amounts, stages)
def test_pipeline_range_is_ordered_and_within_what_is_possible(current, stage_list):
    pipe = Pipeline(stage_list)
    proj = pipe.projection(current)
    assert current <= proj.low <= proj.mid <= proj.high <= current + pipe.total
    assert proj.mid == percent_half_up(current + pipe.mean, 100)
    if pipe.variance == 0:
        assert proj.low == proj.mid == proj.high


@given(st.integers(0, 100), stages, st.integers(1, 300))
def test_scaled_pipeline_range_is_ordered(current, stage_list, whole):
    pipe = Pipeline(stage_list, scale=Fraction(100, whole))
    proj = pipe.projection(current)
    assert current <= proj.low <= proj.mid <= proj.high
    assert proj.high <= current + pipe.total * Fraction(100, whole) + 1


@given(
    st.integers(0, 100), st.integers(1, 200), st.integers(0, 300), st.integers(0, 300),
    windows(), st.integers(-30, 1600), st.one_of(st.none(), stages), st.booleans(),
)
def test_more_current_never_makes_the_status_worse(baseline, rise, c1, c2, window, day, stage_list, lower):
    start, due = window
    today = start + timedelta(days=day)
    pipe = Pipeline(stage_list) if stage_list is not None and not lower else None
    low_c, high_c = sorted([c1, c2])
    if lower:  # lower is better: mirror the numbers
        target, baseline = baseline, baseline + rise
        worse, better = high_c, low_c
    else:
        target = baseline + rise
        worse, better = low_c, high_c
    kw = {"target": target, "baseline": baseline, "start": start, "due": due, "today": today,
          "pipeline": pipe, "higher_is_better": not lower}
    before, after = assess(current=worse, **kw), assess(current=better, **kw)
    assert after.status.severity <= before.status.severity
    assert after.needed <= before.needed
    assert (before.status is Status.DONE) == (before.needed == 0)
    if today <= start and pipe is None:
        assert before.status in (Status.ON_TRACK, Status.BEHIND, Status.DONE)
    if today > due:
        assert before.status in (Status.DONE, Status.OVERDUE)


@given(st.integers(-10_000, 10_000), st.integers(-10_000, 10_000))
def test_percent_half_up_matches_decimal_half_up_exactly(part, whole):
    got = percent_half_up(part, whole)
    if whole == 0:
        assert got is None
        return
    with localcontext() as ctx:
        ctx.prec = 100
        want = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert got == int(want)
    q = Fraction(part * 100, whole)
    assert abs(q - got) <= Fraction(1, 2)
    if abs(q - got) == Fraction(1, 2):  # a half goes away from zero
        assert abs(got) > abs(q)


@given(st.decimals(min_value=-1000, max_value=1000, places=3), st.integers(1, 999))
def test_percent_half_up_on_decimals_matches_fractions(part, whole):
    q = Fraction(part) * 100 / whole
    floor = q.numerator // q.denominator
    frac = q - floor
    want = floor + 1 if frac > Fraction(1, 2) or (frac == Fraction(1, 2) and q > 0) else floor
    assert percent_half_up(part, whole) == want


@given(st.integers(0, 100), st.integers(1, 500))
def test_count_for_share_is_the_fewest_that_reach_the_share(percent, whole):
    n = count_for_share(percent, whole)
    assert 0 <= n <= whole
    assert (percent_half_up(n, whole) or 0) >= percent
    if n > 0:
        assert (percent_half_up(n - 1, whole) or 0) < percent
