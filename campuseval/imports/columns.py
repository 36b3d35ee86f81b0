"""Columns of an import sheet: how a cell is read, checked and written back.

Each parser takes the cell as text and returns the value, or raises :class:`CellError` with the
reason in Chinese ("应为 10 位数字"); the reader adds the row, the column letter and the header.
Nothing here touches the database, so the parsers are tested on their own (property tests).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError

from campuseval.regions.forms import PHONE_RE, YEAR_MAX, YEAR_MIN
from campuseval.regions.models import validate_school_code


class CellError(ValueError):
    """A cell that cannot be read; the message says why, in Chinese."""


def cell_text(value: object) -> str:
    """A cell's value as the text a person typed (Excel stores 2134000001 as a number)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


Parser = Callable[[str], Any]


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return str(value)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    parse: Parser
    required: bool = False
    rule: str = ""  # format and allowed values, for the 说明 sheet
    empty: Any = ""  # the value of an empty optional cell
    show: Callable[[Any], str] = _show  # the inverse of parse, for templates and round trips
    # A column may be left out of the file (its values then stay as they are) unless required.
    must_be_present: bool | None = None
    text_format: bool = False  # codes: formatted as text in the template, so Excel keeps them
    choices: tuple[str, ...] = field(default=())

    @property
    def header_required(self) -> bool:
        return self.required if self.must_be_present is None else self.must_be_present


# Parsers --------------------------------------------------------------------------------------


def text(max_length: int) -> Parser:
    def parse(value: str) -> str:
        if len(value) > max_length:
            raise CellError(f"最多 {max_length} 个字，现有 {len(value)} 个")
        return value

    return parse


def digits(count: int, what: str) -> Parser:
    def parse(value: str) -> str:
        if not (len(value) == count and value.isascii() and value.isdigit()):
            raise CellError(f"应为 {count} 位数字{what}")
        return value

    return parse


region_code = digits(6, "（GB/T 2260 行政区划代码）")


def school_code(value: str) -> str:
    if not (len(value) == 10 and value.isascii() and value.isdigit()):
        raise CellError("应为 10 位数字")
    try:
        validate_school_code(value)
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from exc
    return value


def choice_column(key: str, header: str, options: Mapping[str, str], **kwargs: Any) -> Column:
    """A column of fixed words; ``options`` maps each word a person may write to the stored
    value, the first word for a value being the one templates and exports write."""
    words: dict[str, str] = {}
    for word, value in options.items():
        words.setdefault(value, word)
    allowed = "、".join(words.values())

    def parse(value: str) -> str:
        if value not in options:
            raise CellError(f"应为以下之一：{allowed}")
        return options[value]

    def show(value: Any) -> str:
        return words.get(value, "")

    rule = kwargs.pop("rule", "") or f"可选值：{allowed}"
    return Column(
        key, header, parse, show=show, choices=tuple(words.values()), rule=rule, **kwargs
    )


def _number(value: str) -> Decimal:
    try:
        number = Decimal(value.replace(",", "").replace("，", ""))
    except InvalidOperation as exc:
        raise CellError("应为数字") from exc
    if not number.is_finite():
        raise CellError("应为数字")
    return number


def integer(minimum: int = 0, maximum: int = 2_000_000_000) -> Parser:
    def parse(value: str) -> int:
        number = _number(value)
        if number != number.to_integral_value():
            raise CellError("应为整数")
        if not minimum <= number <= maximum:
            raise CellError(
                f"应在 {minimum} 到 {maximum} 之间" if minimum else f"应为不大于 {maximum} 的非负整数"
            )
        return int(number)

    return parse


def year(value: str) -> int:
    try:
        return integer(YEAR_MIN, YEAR_MAX)(value)
    except CellError as exc:
        raise CellError(f"应为 {YEAR_MIN} 到 {YEAR_MAX} 之间的四位年份") from exc


def percent(value: str) -> Decimal:
    number = _number(value.removesuffix("%").removesuffix("％").strip())
    if not 0 <= number <= 100:
        raise CellError("应为 0 到 100 之间的数（不带 % 号也可以）")
    if -number.as_tuple().exponent > 2:  # type: ignore[operator]
        raise CellError("最多两位小数")
    return number.quantize(Decimal("0.01"))


def whole_percent(value: str) -> int:
    """A rate as a bureau's table prints it: a whole percent, "66" or "66%" (or a cell in
    Excel's percentage format)."""
    number = _number(value.removesuffix("%").removesuffix("％").strip())
    if number != number.to_integral_value() or not 0 <= number <= 100:
        raise CellError("应为 0 到 100 之间的整数（百分数，不带 % 号也可以）")
    return int(number)


def amount(value: str) -> Decimal:
    """A non-negative number of at most two decimals (a target value)."""
    number = _number(value)
    if number < 0:
        raise CellError("不能为负数")
    if -number.as_tuple().exponent > 2:  # type: ignore[operator]
        raise CellError("最多两位小数")
    if number >= Decimal(10) ** 10:
        raise CellError("数值过大")
    return number.quantize(Decimal("0.01"))


_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


def date(value: str) -> dt.date:
    """A date as typed (2024-06-30, 2024/6/30, 2024.6.30, 2024年6月30日) or an Excel date cell."""
    text = re.sub(r"T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$", "", value)  # an Excel date cell reads as a datetime
    match = _DATE.fullmatch(text)
    if not match:
        raise CellError("应为日期，如 2024-06-30")
    try:
        day = dt.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise CellError("不是有效的日期") from exc
    if not YEAR_MIN <= day.year <= YEAR_MAX:
        raise CellError(f"年份应在 {YEAR_MIN} 到 {YEAR_MAX} 之间")
    return day


def _show_date(value: Any) -> str:
    return value.isoformat() if isinstance(value, dt.date) else ""


def date_column(key: str, header: str, **kwargs: Any) -> Column:
    kwargs.setdefault("rule", "日期，如 2024-06-30（也可写 2024/6/30、2024年6月30日，或用 Excel 的日期格式）")
    return Column(key, header, date, empty=None, show=_show_date, **kwargs)


YES_NO = {"是": True, "否": False, "Y": True, "N": False, "y": True, "n": False}


def yes_no_column(key: str, header: str, **kwargs: Any) -> Column:
    def parse(value: str) -> bool:
        if value not in YES_NO:
            raise CellError("应为“是”或“否”")
        return YES_NO[value]

    def show(value: Any) -> str:
        return "是" if value else "否"

    kwargs.setdefault("rule", "是 或 否；留空为 否")
    return Column(key, header, parse, empty=False, show=show, choices=("是", "否"), **kwargs)


NAME_SEPARATORS = re.compile(r"[、，,；;]")


def name_list(max_length: int) -> Parser:
    """Names separated by 、 (also ，,；;), each at most ``max_length`` characters; repeats dropped."""

    def parse(value: str) -> tuple[str, ...]:
        names = [n.strip() for n in NAME_SEPARATORS.split(value)]
        names = [n for n in names if n]
        for name in names:
            if len(name) > max_length:
                raise CellError(f"“{name[:20]}…”超过 {max_length} 个字")
        return tuple(dict.fromkeys(names))

    return parse


def show_names(value: Any) -> str:
    return "、".join(value) if value else ""


def phone(value: str) -> str:
    value = re.sub(r"\s+", "", value)
    if len(value) > 30 or not PHONE_RE.match(value):
        raise CellError("格式不正确：应为 11 位手机号或带区号的固定电话（如 0550-1234567）")
    return value


_USERNAME = UnicodeUsernameValidator()


def username(value: str) -> str:
    if len(value) > 150:
        raise CellError("最多 150 个字符")
    try:
        _USERNAME(value)
    except ValidationError as exc:
        raise CellError("只能包含字母、数字和 @ . + - _ 这几个符号，不能有空格") from exc
    return value


# Rows -----------------------------------------------------------------------------------------


def parse_cells(
    columns: list[Column | None], values: list[object]
) -> tuple[dict[str, Any], list[tuple[int, str]]]:
    """One row: the parsed values by column key, and (column index, reason) for each bad cell.

    ``columns`` gives the column at each position of the file (None: a column to ignore). A
    column the file leaves out has no key at all: the import then keeps the stored value.
    """
    parsed: dict[str, Any] = {}
    problems: list[tuple[int, str]] = []
    for index, column in enumerate(columns):
        if column is None:
            continue
        raw = cell_text(values[index]) if index < len(values) else ""
        if not raw:
            if column.required:
                problems.append((index, "不能为空"))
            else:
                parsed[column.key] = column.empty
            continue
        try:
            parsed[column.key] = column.parse(raw)
        except CellError as exc:
            problems.append((index, str(exc)))
    return parsed, problems
