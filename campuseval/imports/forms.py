from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from .xlsx import MAX_BYTES, upload_problem


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        help_text=f"请使用本页提供的模板；文件不超过 {MAX_BYTES // 1024 // 1024} MB。",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        problem = upload_problem(upload, upload.size or 0, upload.name or "")
        if problem:
            raise ValidationError(problem)
        return upload
