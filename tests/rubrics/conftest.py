from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from campuseval.rubricfile.load import shipped_rubric_paths


def load_rubrics(*paths: str | Path) -> str:
    """Run ``campuseval load_rubrics`` and return what it printed."""
    out = io.StringIO()
    call_command("load_rubrics", *[str(p) for p in paths], stdout=out)
    return out.getvalue()


@pytest.fixture
def rubrics_dir(db, tmp_path, monkeypatch):
    """A copy of the shipped rubric files that a test may edit; load_rubrics reads it."""
    folder = tmp_path / "rubrics"
    folder.mkdir()
    for path in shipped_rubric_paths():
        shutil.copy(path, folder / path.name)
    monkeypatch.setenv("CAMPUSEVAL_RUBRICS_DIR", str(folder))
    return folder


@pytest.fixture
def loaded(db):
    """The three shipped rubrics, loaded as version 1."""
    load_rubrics()
