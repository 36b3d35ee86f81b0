"""School facts that rubric checks may read, and the evaluation of those checks.

A check's expression is plain arithmetic over fact names ("students / student_computers");
it is parsed with :mod:`ast` and only numbers, fact names and + - * / are accepted, so a
rubric file can never run code.
"""

from __future__ import annotations

import ast
import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass

from .model import Check

# Every fact a check may name, with its label in the interface. Issue 3's school facts use
# the same names; a rubric that names anything else is refused by the rubric checker.
FACTS: dict[str, str] = {
    "stage": "学段",
    "classes": "班级数",
    "students": "学生数",
    "teachers": "教师数",
    "teacher_computers": "教师用计算机数",
    "student_computers": "学生用计算机及移动终端数",
    "classrooms": "普通教室数",
    "multimedia_classrooms": "配备交互式多媒体设备的普通教室数",
    "internet_bandwidth_mbps": "互联网（教育城域网）接入带宽（Mbit/s）",
    "backbone_bandwidth_mbps": "校内主干带宽（Mbit/s）",
    "desktop_bandwidth_mbps": "桌面接入带宽（Mbit/s）",
    "wireless_coverage_pct": "无线网络覆盖率（%）",
    "video_retention_days": "监控录像保存天数",
    "it_funds_share_pct": "用于信息化的生均公用经费占比（%）",
    "teacher_space_pct": "开通实名制网络空间的教师占比（%）",
    "student_space_pct": "开通实名制网络空间的学生占比（%）",
    "teacher_resource_pct": "参与教学资源建设的教师占比（%）",
}

# Facts whose values are words, not numbers.
TEXT_FACTS = frozenset({"stage"})

FactValue = str | float


class ExpressionError(ValueError):
    """An expression in a check is not plain arithmetic over known facts."""


_OPS = {ast.Add, ast.Sub, ast.Mult, ast.Div}


def expression_names(expr: str) -> list[str]:
    """Return the fact names an expression reads; raise ExpressionError if it is not allowed."""
    return list(_expression_names(expr))


@functools.lru_cache(maxsize=4096)
def _expression_names(expr: str) -> tuple[str, ...]:
    """A rubric has a few dozen expressions, read for every school: parsed once each."""
    try:
        tree = ast.parse(expr, mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"表达式无法解析：{expr}") from exc
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            if node.id not in FACTS or node.id in TEXT_FACTS:
                raise ExpressionError(f"表达式中有未知的数值型学校数据：{node.id}")
            names.append(node.id)
        elif isinstance(node, ast.BinOp):
            if type(node.op) not in _OPS:
                raise ExpressionError(f"表达式只允许 + - * /：{expr}")
        elif isinstance(node, ast.Constant):
            if not isinstance(node.value, int | float) or isinstance(node.value, bool):
                raise ExpressionError(f"表达式中只允许数字：{expr}")
        elif not isinstance(node, ast.Expression | ast.Load | ast.operator):
            raise ExpressionError(f"表达式只允许数字、学校数据名和 + - * /：{expr}")
    return tuple(names)


def _eval(node: ast.AST, facts: Mapping[str, float]) -> float:
    if isinstance(node, ast.Expression):
        return _eval(node.body, facts)
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.Name):
        return facts[node.id]
    if isinstance(node, ast.BinOp):
        left, right = _eval(node.left, facts), _eval(node.right, facts)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return left / right if right else math.inf
    raise ExpressionError("unsupported expression")  # pragma: no cover - refused at load


def evaluate(expr: str, facts: Mapping[str, FactValue]) -> float | None:
    """Evaluate an expression; None when a fact it reads is missing or not a number."""
    numbers: dict[str, float] = {}
    for name in _expression_names(expr):
        value = facts.get(name)
        if value is None or isinstance(value, str):
            return None
        numbers[name] = float(value)
    return _eval(_parsed(expr), numbers)


@functools.lru_cache(maxsize=4096)
def _parsed(expr: str) -> ast.Expression:
    """The expression's tree, parsed once (it is only read)."""
    return ast.parse(expr, mode="eval")


@dataclass(frozen=True)
class CheckOutcome:
    value: float
    limit: float


def check_limit(check: Check, facts: Mapping[str, FactValue]) -> float | None:
    if check.limit_by_fact is None:
        return check.limit
    key = facts.get(check.limit_by_fact)
    return dict(check.limit_values).get(str(key)) if key is not None else None


def violated(check: Check, facts: Mapping[str, FactValue]) -> CheckOutcome | None:
    """Return the value and limit when the facts contradict the check, else None.

    A check whose facts are missing, or whose limit does not apply to this school (a stage
    the check does not name), is not violated: there is nothing to contradict.
    """
    limit = check_limit(check, facts)
    if limit is None:
        return None
    value = evaluate(check.expr, facts)
    if value is None:
        return None
    ok = {
        "<=": value <= limit,
        ">=": value >= limit,
        "<": value < limit,
        ">": value > limit,
        "==": value == limit,
    }[check.op]
    return None if ok else CheckOutcome(value=value, limit=limit)
