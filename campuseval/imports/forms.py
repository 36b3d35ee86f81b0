from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from campuseval.evidence.checks import human_size

from . import xlsx


def too_big(names: list[str]) -> str:
    """A file the upload stopped reading at the limit (``evidence.uploads.reads_uploads``)."""
    shown = "、".join(f"“{n}”" for n in names if n)
    return f"文件太大：{shown}超过 {human_size(xlsx.MAX_BYTES)}，不能导入；请分成几个文件导入"


class UploadForm(forms.Form):
    """The workbook, judged under the name the browser sent (``sent_name``: Django would have
    dropped its path and control characters), or ``refusal``, the reason it never arrived."""

    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        help_text=f"请使用本页提供的模板；文件不超过 {xlsx.MAX_BYTES // 1024 // 1024} MB。",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args: Any, sent_name: str = "", refusal: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent_name, self.refusal = sent_name, refusal
        if refusal:  # said under the field instead of "required"
            self.fields["file"].required = False

    def clean_file(self) -> UploadedFile:
        if self.refusal:
            raise ValidationError(self.refusal)
        upload: UploadedFile = self.cleaned_data["file"]
        name = self.sent_name or upload.name or ""
        problem = xlsx.upload_problem(upload, upload.size or 0, name)
        if problem:
            raise ValidationError(problem)
        upload.name = name  # a plain file name (checked): the job keeps it as sent
        return upload
