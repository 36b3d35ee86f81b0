"""Read and write rubric files, and turn them into the engine's model."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from campuseval.engine import model as m

from .schema import RubricFile

# The shipped rubrics; CAMPUSEVAL_RUBRICS_DIR points elsewhere (tests, deployments).
SHIPPED_DIR = Path(__file__).resolve().parents[2] / "rubrics"


class RubricFileError(Exception):
    """A rubric file that cannot be read; ``problems`` lists every reason, one per line."""

    def __init__(self, source: str, problems: list[str]) -> None:
        super().__init__(f"{source}: " + "; ".join(problems))
        self.source = source
        self.problems = problems


def rubrics_dir() -> Path:
    return Path(os.environ.get("CAMPUSEVAL_RUBRICS_DIR", SHIPPED_DIR))


def _where(loc: tuple[int | str, ...]) -> str:
    return ".".join(str(p) for p in loc) or "(文件)"


def parse_rubric(data: Any, source: str = "<data>") -> RubricFile:
    if not isinstance(data, dict):
        raise RubricFileError(source, ["文件内容不是一个 YAML 映射（mapping）"])
    try:
        return RubricFile.model_validate(data)
    except ValidationError as exc:
        raise RubricFileError(
            source, [f"{_where(e['loc'])}: {e['msg']}" for e in exc.errors()]
        ) from exc


def load_rubric_file(path: Path | str) -> RubricFile:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise RubricFileError(str(path), ["文件不存在"]) from exc
    except UnicodeDecodeError as exc:
        raise RubricFileError(str(path), ["文件不是 UTF-8 编码"]) from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RubricFileError(str(path), [f"YAML 语法错误：{exc}"]) from exc
    return parse_rubric(data, str(path))


def shipped_rubric_paths() -> list[Path]:
    return sorted(rubrics_dir().glob("*.yaml"))


def find_rubric(ref: str) -> RubricFile:
    """A rubric by id (a file ``<id>.yaml`` in the rubrics folder) or by path."""
    candidate = rubrics_dir() / f"{ref}.yaml"
    if candidate.exists():
        return load_rubric_file(candidate)
    if Path(ref).suffix in {".yaml", ".yml"}:
        return load_rubric_file(ref)
    known = ", ".join(p.stem for p in shipped_rubric_paths())
    raise RubricFileError(ref, [f"没有这个评估标准；可用的有：{known}"])


def dump_rubric(rubric: RubricFile) -> str:
    data = rubric.model_dump(mode="json", exclude_defaults=True)
    # kind and tiers' quotas read better stated even at their defaults.
    data = {"id": rubric.id, **data}
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def to_engine(rubric: RubricFile) -> m.Rubric:
    """The engine's frozen model of a validated rubric file."""

    def check(c: Any) -> m.Check:
        return m.Check(
            name=c.name,
            expr=c.expr,
            op=c.op,
            limit=c.limit,
            limit_by_fact=c.limit_by.fact if c.limit_by else None,
            limit_values=tuple(c.limit_by.values.items()) if c.limit_by else (),
            text=c.text,
        )

    return m.Rubric(
        id=rubric.id,
        name=rubric.name,
        kind=rubric.kind,
        no_tier=rubric.no_tier,
        basic_share=rubric.basic_share,
        total_cap=rubric.total,
        tiers=tuple(
            m.Tier(name=t.name, min_total=t.min_total, basic=t.basic, demo=t.demo)
            for t in rubric.tiers
        ),
        areas=tuple(
            m.Area(
                code=a.code,
                title=a.title,
                cap=a.points,
                subareas=tuple(
                    m.SubArea(
                        code=s.code,
                        title=s.title,
                        cap=s.points,
                        indicators=tuple(
                            m.Indicator(
                                code=i.code,
                                text=i.text,
                                points=i.points,
                                requirement=i.requirement,
                                clause_requirement=i.clause.requirement if i.clause else None,
                                clause_text=i.clause.text if i.clause else None,
                                checks=tuple(check(c) for c in i.checks),
                            )
                            for i in s.indicators
                        ),
                    )
                    for s in a.subareas
                ),
            )
            for a in rubric.areas
        ),
    )
