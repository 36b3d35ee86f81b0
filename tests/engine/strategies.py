"""Hypothesis strategies: small random rubrics and schools' scores on them."""

from __future__ import annotations

from hypothesis import strategies as st

from campuseval.engine import Area, Indicator, Rubric, SchoolInput, SubArea, Tier

HALF_POINTS = [0.5, 1.0, 1.5, 2.0, 3.0]


@st.composite
def rubrics(draw: st.DrawFn, max_indicators: int = 9, criteria: bool = False) -> Rubric:
    n_areas = draw(st.integers(1, 3))
    areas = []
    count = 0
    for a in range(1, n_areas + 1):
        subs = []
        for s in range(1, draw(st.integers(1, 2)) + 1):
            inds = []
            for i in range(1, draw(st.integers(1, 3)) + 1):
                if count >= max_indicators and inds:
                    break
                count += 1
                points = 1.0 if criteria else draw(st.sampled_from(HALF_POINTS))
                clause = draw(st.sampled_from([None, None, None, "demo", "basic"]))
                inds.append(
                    Indicator(
                        code=f"{a}.{s}.{i}",
                        text="x",
                        points=points,
                        requirement=draw(st.sampled_from([None, None, "basic", "demo"])),
                        clause_requirement=clause,
                        clause_text="c" if clause else None,
                    )
                )
            item_sum = sum(i.points for i in inds)
            cap = draw(st.sampled_from([None, item_sum, max(0.5, item_sum - 1.0), item_sum + 1]))
            subs.append(SubArea(code=f"{a}.{s}", title="s", cap=cap, indicators=tuple(inds)))
        area_cap = draw(st.sampled_from([None, None, sum(s.cap or 0 for s in subs) or None, 2.0]))
        areas.append(Area(code=str(a), title="a", cap=area_cap, subareas=tuple(subs)))
    max_total = sum(i.points for a in areas for s in a.subareas for i in s.indicators)
    n_tiers = draw(st.integers(1, 3))
    if criteria:
        tiers = [Tier("top", None, "all", "all"), Tier("base", None, "all", "none")][-n_tiers:]
    else:
        grid = [x / 2 for x in range(int(max_total * 2) + 1)]
        cuts = sorted(
            draw(st.lists(st.sampled_from(grid), min_size=1, max_size=n_tiers, unique=True)),
            reverse=True,
        )
        top_needs_demo = draw(st.booleans())
        tiers = [
            Tier(f"t{k}", cut, "all", "all" if k == 0 and top_needs_demo else "none")
            for k, cut in enumerate(cuts)
        ]
    return Rubric(
        id="r",
        name="r",
        kind="criteria" if criteria else "points",
        areas=tuple(areas),
        tiers=tuple(tiers),
        total_cap=draw(st.sampled_from([None, None, max_total, max(0.5, max_total - 1)])),
    )


@st.composite
def schools(draw: st.DrawFn, rubric: Rubric, name: str = "s") -> SchoolInput:
    scores = {}
    clauses = {}
    for ind in rubric.indicators:
        steps = int(ind.points * 2)
        if rubric.kind == "criteria":
            scores[ind.code] = float(draw(st.integers(0, 1)))
        else:
            scores[ind.code] = draw(st.integers(0, steps)) / 2
        clauses[ind.code] = draw(st.booleans()) if ind.has_clause else False
    return SchoolInput(school=name, scores=scores, clauses=clauses)


@st.composite
def rubric_and_school(draw: st.DrawFn, **kw: object) -> tuple[Rubric, SchoolInput]:
    rubric = draw(rubrics(**kw))  # type: ignore[arg-type]
    return rubric, draw(schools(rubric))
