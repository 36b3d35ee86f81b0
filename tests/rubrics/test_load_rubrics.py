"""`campuseval load_rubrics`: shipped files become versions; invalid files save nothing."""

from __future__ import annotations

import pytest
import yaml
from django.core.management import CommandError

from campuseval.rubricfile.load import load_rubric_file, shipped_rubric_paths
from campuseval.rubrics.models import Rubric
from campuseval.rubrics.services import rubric_load_file

from .conftest import load_rubrics

pytestmark = pytest.mark.django_db

SHIPPED = {"taizhou-2022", "weifang-2022", "zibo"}


def _edit(path, change):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_it_loads_the_three_shipped_rubrics():
    out = load_rubrics()

    assert set(Rubric.objects.values_list("code", flat=True)) == SHIPPED
    assert set(Rubric.objects.values_list("version", flat=True)) == {1}
    assert out.count("已载入为第 1 版") == 3
    assert "taizhou-2022  泰州市中小学智慧校园建设评估细则（2022版）：已载入为第 1 版" in out


def test_it_keeps_the_validated_file_and_gives_it_back():
    load_rubrics()
    taizhou = Rubric.objects.get(code="taizhou-2022")
    path = next(p for p in shipped_rubric_paths() if p.stem == "taizhou-2022")

    assert taizhou.rubric_file() == load_rubric_file(path)
    assert taizhou.engine_rubric().total_cap == 110
    assert (taizhou.name, taizhou.city, taizhou.year, taizhou.kind) == (
        "泰州市中小学智慧校园建设评估细则（2022版）",
        "泰州市",
        2022,
        "points",
    )
    assert len(taizhou.content_hash) == 64
    assert taizhou.source_path == "rubrics/taizhou-2022.yaml"
    assert Rubric.objects.get(code="zibo").year is None


def test_it_creates_nothing_when_the_files_are_loaded_again():
    load_rubrics()
    out = load_rubrics()

    assert Rubric.objects.count() == 3
    assert out.count("未变化（仍为第 1 版）") == 3


def test_it_creates_version_2_for_a_changed_file_and_keeps_version_1(rubrics_dir):
    load_rubrics()
    v1_content = Rubric.objects.get(code="zibo").content
    _edit(rubrics_dir / "zibo.yaml", lambda d: d["areas"][1]["subareas"][2].update(points=8))

    out = load_rubrics()

    assert "zibo  淄博市中小学智慧校园建设标准及评价指标体系：已载入为第 2 版" in out
    assert list(Rubric.objects.filter(code="zibo").values_list("version", flat=True)) == [2, 1]
    v1, v2 = Rubric.objects.get(code="zibo", version=1), Rubric.objects.get(code="zibo", version=2)
    assert v1.content == v1_content
    assert v1.rubric_file().areas[1].subareas[2].points == 6
    assert v2.rubric_file().areas[1].subareas[2].points == 8
    assert v1.content_hash != v2.content_hash
    assert Rubric.objects.count() == 4


def test_it_loads_an_extra_file_given_on_the_command_line(tmp_path):
    extra = tmp_path / "other.yaml"
    extra.write_text(
        next(p for p in shipped_rubric_paths() if p.stem == "zibo")
        .read_text(encoding="utf-8")
        .replace("id: zibo", "id: zibo-extra"),
        encoding="utf-8",
    )

    load_rubrics(extra)

    assert set(Rubric.objects.values_list("code", flat=True)) == SHIPPED | {"zibo-extra"}


def test_it_refuses_an_invalid_file_with_a_clear_message_and_saves_nothing(rubrics_dir):
    _edit(rubrics_dir / "zibo.yaml", lambda d: d.pop("tiers"))
    _edit(
        rubrics_dir / "taizhou-2022.yaml",
        lambda d: d["areas"][0]["subareas"][0]["indicators"][1].update(code="1.1.1"),
    )

    with pytest.raises(CommandError) as exc:
        load_rubrics()

    message = str(exc.value)
    assert message.startswith("评估标准文件有误，未载入任何文件：")
    assert f"{rubrics_dir / 'zibo.yaml'}: tiers" in message
    assert "编码重复：1.1.1" in message
    assert Rubric.objects.count() == 0


def test_it_refuses_a_tier_that_asks_for_more_than_the_total(rubrics_dir):
    _edit(rubrics_dir / "taizhou-2022.yaml", lambda d: d["tiers"][0].update(min_total=200))

    with pytest.raises(CommandError, match="要求 200 分，但满分只有 110 分"):
        load_rubrics()

    assert Rubric.objects.count() == 0


def test_it_refuses_a_file_that_is_not_a_yaml_mapping(rubrics_dir):
    (rubrics_dir / "broken.yaml").write_text("- just\n- a list\n", encoding="utf-8")

    with pytest.raises(CommandError, match="文件内容不是一个 YAML 映射"):
        load_rubrics()

    assert Rubric.objects.count() == 0


def test_it_tells_whether_the_service_created_a_version():
    path = next(p for p in shipped_rubric_paths() if p.stem == "weifang-2022")

    first, created = rubric_load_file(path=path)
    again, created_again = rubric_load_file(path=path)

    assert (first.version, created) == (1, True)
    assert (again.pk, created_again) == (first.pk, False)


def test_loading_a_rubric_version_is_in_the_audit_trail(db):
    from campuseval.audit.models import AuditRecord
    from campuseval.rubrics.services import rubrics_load_shipped

    rubrics_load_shipped()
    records = AuditRecord.objects.filter(object_type="rubrics.rubric", action="create")
    assert sorted(r.after["code"] for r in records) == ["taizhou-2022", "weifang-2022", "zibo"]
    rubrics_load_shipped()  # unchanged files: no new version, no new record
    assert AuditRecord.objects.filter(object_type="rubrics.rubric").count() == 3
