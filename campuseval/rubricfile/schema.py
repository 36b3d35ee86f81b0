"""The rubric file format (YAML), validated with pydantic; see docs/rubric-format.md.

The file keeps what the source says, even where it contradicts itself (a stated subtotal
that differs from the sum of its items); :mod:`.check` reports such disagreements.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from campuseval.engine.facts import FACTS, TEXT_FACTS, ExpressionError, expression_names

Requirement = Literal["basic", "demo"]
Quota = Literal["all", "none"] | Annotated[int, Field(ge=0)]
Points = Annotated[float, Field(ge=0)]

CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.\-]*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LimitBy(_Model):
    """A limit that depends on a word-valued fact, e.g. on the school's stage."""

    fact: str
    values: dict[str, float]

    @field_validator("fact")
    @classmethod
    def _known_text_fact(cls, v: str) -> str:
        if v not in TEXT_FACTS:
            raise ValueError(f"limit_by.fact 必须是文字型学校数据之一：{sorted(TEXT_FACTS)}")
        return v


class CheckSpec(_Model):
    """A condition on school facts: ``expr op limit`` (or the limit for the school's stage)."""

    name: str = Field(min_length=1)
    expr: str = Field(min_length=1)
    op: Literal["<=", ">=", "<", ">", "=="]
    limit: float | None = None
    limit_by: LimitBy | None = None
    text: str = ""  # the words of the source this check comes from
    assumed: bool = False  # the check interprets the source (see note)
    note: str = ""

    @field_validator("expr")
    @classmethod
    def _plain_arithmetic(cls, v: str) -> str:
        try:
            expression_names(v)
        except ExpressionError as exc:
            raise ValueError(str(exc)) from exc
        return v

    @model_validator(mode="after")
    def _one_limit(self) -> CheckSpec:
        if (self.limit is None) == (self.limit_by is None):
            raise ValueError("核查须且只能给出 limit 或 limit_by 之一")
        return self


class Clause(_Model):
    """A ★ or ▲ requirement written inside another indicator's text."""

    requirement: Requirement
    text: str = Field(min_length=1)


class IndicatorSpec(_Model):
    code: str
    text: str = Field(min_length=1)  # source text, without the leading ★/▲ and number
    points: Points
    requirement: Requirement | None = None  # ★ basic / ▲ demo on the whole indicator
    clause: Clause | None = None
    numbered: bool = True  # False where the source gives a sub-area's only item no number
    checks: list[CheckSpec] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not CODE.match(v):
            raise ValueError(f"编码只能含字母、数字、点和连字符：{v!r}")
        return v

    @model_validator(mode="after")
    def _clause_in_text(self) -> IndicatorSpec:
        if self.clause is not None and self.clause.text not in self.text:
            raise ValueError(f"{self.code}：条款“{self.clause.text}”不在指标原文中")
        return self


class SubAreaSpec(_Model):
    code: str
    title: str = Field(min_length=1)
    points: Points | None = None  # the subtotal the source states, if any
    indicators: list[IndicatorSpec] = Field(min_length=1)


class AreaSpec(_Model):
    code: str
    title: str = Field(min_length=1)
    points: Points | None = None
    subareas: list[SubAreaSpec] = Field(min_length=1)


class TierSpec(_Model):
    name: str = Field(min_length=1)
    min_total: float | None = None
    basic: Quota = "all"  # how many ★ requirements the tier needs
    demo: Quota = "none"  # how many ▲ requirements
    assumed: bool = False  # the rule is an assumption, not the source's (see note)
    note: str = ""


class Assumption(_Model):
    text: str = Field(min_length=1)
    source: str = ""  # where the rule it stands in for comes from (glossary rule, ...)


class FormsSpec(_Model):
    """The city's own words on the forms it prints (docs/rubric-format.md); unset: Taizhou's
    for a points rubric, the general 县（市、区） for a criteria rubric."""

    unit: str = ""  # the level below the city as the city names it: 市（区）, 区县, 县市区
    city_bureau: str = "市教育局"  # the city's bureau in the forms' opinion cells


class RubricFile(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    city: str = Field(min_length=1)
    year: int | None = None
    version: int = 1
    kind: Literal["points", "criteria"]
    source: str = ""  # the document this file transcribes
    numbering: Literal["positional", "coded"] = "positional"
    labels: dict[str, str] = Field(
        default_factory=lambda: {"area": "一级指标", "subarea": "二级指标", "indicator": "评估内容"}
    )
    total: Points | None = None  # the total the source states
    basic_share: float = Field(default=1.0, gt=0, le=1)
    no_tier: str = "未达标"
    tiers: list[TierSpec] = Field(min_length=1)  # highest first
    assumptions: list[Assumption] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)  # the source's own notes, verbatim
    areas: list[AreaSpec] = Field(min_length=1)
    forms: FormsSpec | None = None

    @model_validator(mode="after")
    def _consistent(self) -> RubricFile:
        problems: list[str] = []
        seen: set[str] = set()
        for code in self.all_codes():
            if code in seen:
                problems.append(f"编码重复：{code}")
            seen.add(code)
        names = [t.name for t in self.tiers]
        if len(set(names)) != len(names):
            problems.append("等级名称重复")
        if self.no_tier in names:
            problems.append(f"“{self.no_tier}”既是等级又是未达标名称")
        for ind in self.all_indicators():
            if self.kind == "criteria" and ind.points != 1:
                problems.append(f"{ind.code}：达标型（criteria）评估标准的每条标准分值应为 1")
            if ind.points * 2 != int(ind.points * 2):
                problems.append(f"{ind.code}：分值须为 0.5 的整数倍")
        if problems:
            raise ValueError("；".join(problems))
        return self

    def all_indicators(self) -> list[IndicatorSpec]:
        return [i for a in self.areas for s in a.subareas for i in s.indicators]

    def all_codes(self) -> list[str]:
        out: list[str] = []
        for a in self.areas:
            out.append(a.code)
            for s in a.subareas:
                out.append(s.code)
                out.extend(i.code for i in s.indicators)
        return out


def known_facts() -> dict[str, str]:
    return dict(FACTS)
