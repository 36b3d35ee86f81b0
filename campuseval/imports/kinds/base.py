"""What every import kind shares: the header, the rows, the errors, the write in batches."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from openpyxl.utils import get_column_letter

from campuseval.accounts.models import User
from campuseval.imports.columns import Column, parse_cells
from campuseval.imports.xlsx import ERROR_HEADER, Sheet, TemplateSpec
from campuseval.regions.services import ImportCounts

T = TypeVar("T")


class ErrorDict(TypedDict):
    row: int
    column: str
    header: str
    message: str


@dataclass(frozen=True)
class RowError:
    """One problem, placed by row and column of the user's file."""

    row: int
    column: str  # letter ("C"), or "" for the whole row
    header: str
    message: str

    @property
    def text(self) -> str:
        if not self.row:  # the file as a whole
            return self.message
        if self.column:
            return f"第 {self.row} 行 {self.column} 列（{self.header}）：{self.message}"
        return f"第 {self.row} 行：{self.message}"

    @property
    def cell_text(self) -> str:
        """The same without the row, for the 错误 column of the error sheet."""
        return f"{self.column} 列（{self.header}）：{self.message}" if self.column else self.message

    def as_dict(self) -> ErrorDict:
        return {"row": self.row, "column": self.column, "header": self.header, "message": self.message}

    @classmethod
    def from_dict(cls, data: ErrorDict) -> RowError:
        return cls(data["row"], data["column"], data["header"], data["message"])


@dataclass
class Row:
    number: int  # the row in the sheet, as Excel numbers it
    values: dict[str, Any]
    bad: set[str] = field(default_factory=set)  # keys of cells that could not be read

    def ok(self, *keys: str) -> bool:
        """Whether these cells were read (present in the file and valid)."""
        return all(k in self.values and k not in self.bad for k in keys)


@dataclass
class Layout:
    """Where each known column sits in the user's file."""

    columns: list[Column | None]
    letters: dict[str, str]
    headers: dict[str, str]

    def error(self, row: Row | int, key: str, message: str) -> RowError:
        number = row.number if isinstance(row, Row) else row
        if key not in self.letters:
            return RowError(number, "", "", message)
        return RowError(number, self.letters[key], self.headers[key], message)


@dataclass
class WriteResult:
    counts: ImportCounts = field(default_factory=ImportCounts)
    passwords: dict[str, str] = field(default_factory=dict)
    lines: list[dict[str, str]] = field(default_factory=list)


def _header_text(value: object) -> str:
    text = "" if value is None else str(value)
    # "学校标识码*" and "学校标识码（必填）" both name the column 学校标识码.
    text = re.sub(r"[\s\u3000]+", "", text)
    return re.sub(r"(\*|＊|[（(]必填[)）])$", "", text)


class Kind:
    """One kind of import. Subclasses set the columns and write the rows through services."""

    key: str
    title: str  # 学校, 学校基础数据, ...
    sheet: str
    columns: tuple[Column, ...]
    reference_headers: tuple[str, ...] = ()
    example: dict[str, Any]
    notes: tuple[str, ...] = ()
    batch_size = 1000

    def may_import(self, user: User) -> bool:
        raise NotImplementedError

    def check(self, rows: list[Row], layout: Layout, user: User) -> list[RowError]:
        """Whole-file checks: duplicates, references, scope and the models' own rules."""
        raise NotImplementedError

    def write(self, rows: list[Row], user: User) -> WriteResult:
        """Write one batch of checked rows through the services."""
        raise NotImplementedError

    def order(self, rows: list[Row]) -> list[Row]:
        """The order of writing (parents before children)."""
        return rows

    # Shared steps -----------------------------------------------------------------------------

    def template(self) -> TemplateSpec:
        notes = (
            "第一行是列标题，请勿修改；从第二行起每行一条记录。第二行是虚构的示例，导入前请删除或改成真实数据。",
            "橙色标题的列必填，蓝色标题的列选填。下表中标为“选填”的列可以整列删除：删除后导入不会改动已有记录的"
            "这一项；保留该列但单元格留空，则把这一项清空。标为“选填（列须保留）”的列不能删除，单元格可以留空。",
            "同一文件可以反复导入：已有的记录按标识更新，不会重复创建。",
            "导入前先检查整个文件；只要有一处错误，就不导入任何数据，并可下载标出错误的文件，改正后重新上传。",
            *self.notes,
        )
        return TemplateSpec(
            sheet=self.sheet,
            title=self.title,
            columns=self.columns,
            reference_headers=self.reference_headers,
            example=self.example,
            notes=notes,
        )

    def layout(self, header: list[object]) -> tuple[Layout, list[RowError]]:
        by_header = {c.header: c for c in self.columns}
        ignored = {*self.reference_headers, ERROR_HEADER}
        columns: list[Column | None] = []
        letters: dict[str, str] = {}
        headers: dict[str, str] = {}
        errors: list[RowError] = []
        for index, raw in enumerate(header):
            text, letter = _header_text(raw), get_column_letter(index + 1)
            column = by_header.get(text)
            if column is None or text in ignored:
                columns.append(None)
                if text and text not in ignored:
                    errors.append(
                        RowError(1, letter, text, f"未知的列标题“{text}”；请使用模板中的列标题")
                    )
                continue
            if column.key in letters:
                errors.append(
                    RowError(1, letter, text, f"列标题“{text}”重复（{letters[column.key]} 列已有）")
                )
                columns.append(None)
                continue
            columns.append(column)
            letters[column.key], headers[column.key] = letter, column.header
        for column in self.columns:
            if column.header_required and column.key not in letters:
                errors.append(RowError(1, "", "", f"缺少列“{column.header}”"))
        return Layout(columns, letters, headers), errors

    def parse(self, sheet: Sheet) -> tuple[Layout, list[Row], list[RowError]]:
        """Read the header and every row; every bad cell is an error of its row and column."""
        layout, errors = self.layout(sheet.header)
        if errors:
            return layout, [], errors
        example = self.example_values(layout)
        rows: list[Row] = []
        for number, values in sheet.rows:
            parsed, problems = parse_cells(layout.columns, values)
            row = Row(number, parsed)
            for index, message in problems:
                column = layout.columns[index]
                assert column is not None
                row.bad.add(column.key)
                errors.append(RowError(number, get_column_letter(index + 1), column.header, message))
            if parsed == example:
                errors.append(RowError(number, "", "", "这是模板中的示例行，请删除或改成真实数据后再导入"))
            rows.append(row)
        if not rows:
            errors.append(RowError(2, "", "", "文件中没有数据行"))
        return layout, rows, errors

    def example_values(self, layout: Layout) -> dict[str, Any]:
        return {
            c.key: self.example.get(c.key, c.empty) for c in layout.columns if c is not None
        }

    # Helpers for subclasses --------------------------------------------------------------------

    @staticmethod
    def duplicates(
        rows: Iterable[Row], layout: Layout, key: str, identity: Sequence[str], what: str
    ) -> list[RowError]:
        """Rows whose identity (one or more keys) repeats an earlier row's."""
        first: dict[tuple[Any, ...], int] = {}
        errors = []
        for row in rows:
            if not row.ok(*identity):
                continue
            ident = tuple(row.values[k] for k in identity)
            if ident in first:
                errors.append(
                    layout.error(row, key, f"与第 {first[ident]} 行重复（{what}在文件中只能出现一次）")
                )
            else:
                first[ident] = row.number
        return errors

    @staticmethod
    def model_errors(
        row: Row, layout: Layout, exc: ValidationError, rename: dict[str, str]
    ) -> list[RowError]:
        """A model's validation errors, each placed on the column of its field."""
        errors = []
        for field_name, messages in exc.message_dict.items():
            key = rename.get(field_name, field_name)
            for message in messages:
                if field_name == NON_FIELD_ERRORS or key not in layout.letters:
                    errors.append(layout.error(row, "", message))
                else:
                    errors.append(layout.error(row, key, message))
        return errors


def chunks(values: Iterable[T], size: int = 2000) -> Iterator[list[T]]:
    """Values in slices, for ``__in`` lookups: SQLite takes at most 32,766 parameters."""
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def error_order(error: RowError) -> tuple[int, bool, int, str]:
    """By row, then by column as Excel orders them (B before AA), then the whole row's."""
    return error.row, not error.column, len(error.column), error.column
