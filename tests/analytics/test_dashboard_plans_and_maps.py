"""The dashboards' plan charts on constructed plans (coverage against the target ladder by
year, the plan board worst first), and the map a platform administrator uploads."""

from __future__ import annotations

import datetime as dt
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campuseval.analytics import plan_reads
from campuseval.analytics.models import RegionMap
from campuseval.analytics.selectors import Scope
from campuseval.audit.models import AuditRecord
from campuseval.plans import outlook
from campuseval.plans import services as ps
from tests.plans.test_plan_progress import coverage, more_schools, plan, published  # noqa: F401

TODAY = dt.date(2023, 3, 1)


def test_coverage_by_year_shows_the_ladder_and_what_was_reached_each_year(cast, plan, more_schools, rubrics, clock):  # noqa: F811
    clock.at(dt.datetime(2023, 3, 1, 9, tzinfo=dt.UTC))
    rubric = rubrics["taizhou-2022"]
    published(cast, rubric, more_schools[:4], "合格型", dt.datetime(2022, 8, 15, 10, tzinfo=dt.UTC))
    published(cast, rubric, more_schools[4:9], "合格型", dt.datetime(2023, 2, 15, 10, tzinfo=dt.UTC))
    coverage(cast, plan, 10, year=2022)
    coverage(cast, plan, 50, year=2023)
    ps.plan_publish(by=cast.city_admin, plan=plan)
    [line] = plan_reads.coverage_lines(Scope(cast.city, 2023))
    assert [(y, int(v)) for y, v in line.ladder] == [(2022, 10), (2023, 50)]
    # 23 schools in the city (a teaching point included): 4 by the end of 2022 (17%), 9 now (39%).
    assert [(y, int(v)) for y, v in line.actual] == [(2022, 17), (2023, 39)]
    assert line.projection is not None and line.projection[0] == 2023
    # As of the end of 2022 only that year is drawn, and the 2023 target is still ahead.
    [past] = plan_reads.coverage_lines(Scope(cast.city, 2022, dt.date(2022, 12, 31)))
    assert [(y, int(v)) for y, v in past.actual] == [(2022, 17)]


def test_the_plan_board_lists_the_targets_at_risk_first(cast, plan, more_schools, rubrics, clock):  # noqa: F811
    clock.at(dt.datetime(2023, 3, 1, 9, tzinfo=dt.UTC))
    published(cast, rubrics["taizhou-2022"], more_schools[:4], "合格型", dt.datetime(2022, 8, 15, 10, tzinfo=dt.UTC))
    coverage(cast, plan, 10, year=2022)  # reached: 已完成
    coverage(cast, plan, 90, year=2022)  # 2022 is over and 17% is far from 90%: 逾期
    ps.plan_publish(by=cast.city_admin, plan=plan)
    rows = plan_reads.board_rows(Scope(cast.city, 2022))
    assert [r.progress.status for r in rows] == [outlook.Status.OVERDUE, outlook.Status.DONE]
    assert rows[0].progress.gap  # the gap sentence says what would close it


def _geojson(*names):
    square = [[[118.0, 32.0], [118.1, 32.0], [118.1, 32.1], [118.0, 32.0]]]
    return json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": n}, "geometry": {"type": "Polygon", "coordinates": square}} for n in names
    ]}).encode()


def test_a_platform_administrator_uploads_a_map_with_its_source_and_the_dashboard_draws_it(client, cast):
    url = reverse("analytics:map_upload", args=[cast.city.code])
    client.force_login(cast.platform_admin)
    bad = client.post(url, {"source": "测试", "licence": "CC0", "geojson": SimpleUploadedFile("m.json", b'{"type": "Feature"}')})
    assert "GeoJSON 须为 FeatureCollection" in bad.content.decode()
    no_name = _geojson("琅琊区").replace(b'"name": "\\u7405\\u740a\\u533a"', b'"x": 1')
    assert "第 1 个 feature 缺少 properties.name" in client.post(
        url, {"source": "测试", "licence": "CC0", "geojson": SimpleUploadedFile("m.json", no_name)}
    ).content.decode()
    stranger = client.post(url, {"source": "测试", "licence": "CC0", "geojson": SimpleUploadedFile("m.json", _geojson("琅琊区", "鼓楼区"))})
    assert "第 2 个 feature 的名称“鼓楼区”不是本区域的下级区域" in stranger.content.decode()
    half = client.post(url, {"source": "测试", "licence": "CC0", "geojson": SimpleUploadedFile("m.json", _geojson("琅琊区"))})
    assert "地图缺少这些区域：南谯区" in half.content.decode()
    assert not RegionMap.objects.exists()  # nothing saved from a refused file
    response = client.post(url, {
        "source": "示例测绘局 审图号：测试(2026)001号", "licence": "仅供测试",
        "geojson": SimpleUploadedFile("m.json", _geojson("琅琊区", "南谯区")),
    }, follow=True)
    html = response.content.decode()
    assert "地图来源：示例测绘局 审图号：测试(2026)001号；许可：仅供测试" in html
    assert 'id="chart-map-geo"' in html and '"type": "map"' in html
    record = AuditRecord.objects.get(object_type__icontains="regionmap")
    assert (record.action, record.actor_id, record.region_code) == ("create", cast.platform_admin.pk, cast.city.code)
    client.force_login(cast.city_admin)
    assert client.post(url, {}).status_code == 403  # the map is the platform administrator's
    tiles = client.get(reverse("analytics:region", args=[cast.county_a.code])).content.decode()
    assert 'id="chart-map-geo"' not in tiles and '"type": "heatmap"' in tiles  # no map: tiles


def test_the_board_of_several_plans_reads_the_same_as_each_target_alone(cast, plan, more_schools, rubrics, clock):  # noqa: F811
    from campuseval.plans.progress import target_progress

    clock.at(dt.datetime(2023, 3, 1, 9, tzinfo=dt.UTC))
    published(cast, rubrics["taizhou-2022"], more_schools[:4], "合格型", dt.datetime(2022, 8, 15, 10, tzinfo=dt.UTC))
    published(cast, rubrics["taizhou-2022"], more_schools[10:13], "合格型", dt.datetime(2023, 2, 1, 10, tzinfo=dt.UTC))
    county_plan = ps.plan_create(by=cast.city_admin, region=cast.county_a, title="琅琊区规划", start_year=2022, end_year=2023)
    made = [coverage(cast, plan, 10, year=2022), coverage(cast, plan, 40, year=2023)]
    made += [coverage(cast, county_plan, 30, year=2023)]
    for p in (plan, county_plan):
        ps.plan_publish(by=cast.city_admin, plan=p)
    shared = {r.progress.target.pk: r.progress for r in plan_reads.board_rows(Scope(cast.city, 2023))}
    alone = {t.pk: target_progress(t, clock.now.date(), with_parts=False) for t in made}
    assert set(shared) == set(alone)
    for pk, progress in alone.items():
        assert (shared[pk].current, shared[pk].status, shared[pk].gap) == (progress.current, progress.status, progress.gap)
