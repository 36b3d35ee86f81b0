"""Writes: loading rubric files into the database as new versions."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from campuseval.audit.services import audit_log
from campuseval.rubricfile.check import check_rubric
from campuseval.rubricfile.load import RubricFileError, load_rubric_file, shipped_rubric_paths
from campuseval.rubricfile.schema import RubricFile

from .models import Rubric


class RubricLoadError(Exception):
    """One or more rubric files are invalid; ``problems`` holds one line per reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def content_hash(content: dict[str, Any]) -> str:
    """The sha256 of the canonical JSON of a rubric's content (sorted keys, no spaces)."""
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _read(path: Path) -> RubricFile:
    """Read and check one file; structural errors of the checker refuse it too."""
    rubric_file = load_rubric_file(path)
    errors = check_rubric(rubric_file).errors
    if errors:
        raise RubricFileError(str(path), errors)
    return rubric_file


def _source_path(path: Path) -> str:
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(Path(settings.BASE_DIR).resolve()))
    except ValueError:
        return str(resolved)


def _save(rubric_file: RubricFile, *, path: Path) -> tuple[Rubric, bool]:
    content = rubric_file.model_dump(mode="json")
    if content.get("forms") is None:  # a file without the forms' words keeps the hash it had before they existed
        content.pop("forms", None)
    digest = content_hash(content)
    latest = (
        Rubric.objects.select_for_update().filter(code=rubric_file.id).order_by("-version").first()
    )
    if latest is not None and latest.content_hash == digest:
        return latest, False
    rubric = Rubric(
        code=rubric_file.id,
        version=latest.version + 1 if latest is not None else 1,
        name=rubric_file.name,
        city=rubric_file.city,
        year=rubric_file.year,
        kind=rubric_file.kind,
        content=content,
        content_hash=digest,
        source_path=_source_path(path),
    )
    rubric.full_clean()
    rubric.save()
    audit_log(
        "create",
        rubric,
        after={
            "code": rubric.code,
            "version": rubric.version,
            "content_hash": digest,
            "source_path": rubric.source_path,
            "previous_version": latest.version if latest is not None else None,
        },
    )
    return rubric, True


@transaction.atomic
def rubric_load_file(*, path: Path | str) -> tuple[Rubric, bool]:
    """Load one rubric file: a new version if its content differs from the latest one.

    Returns the version that holds the file's content and whether it was created now.
    Raises RubricFileError for an invalid file.
    """
    path = Path(path)
    return _save(_read(path), path=path)


@transaction.atomic
def rubrics_load_files(*, paths: Iterable[Path | str]) -> list[tuple[Rubric, bool]]:
    """Load several files, all or nothing: every file is read and checked before any is saved."""
    checked: list[tuple[Path, RubricFile]] = []
    problems: list[str] = []
    for p in paths:
        path = Path(p)
        try:
            checked.append((path, _read(path)))
        except RubricFileError as exc:
            problems.extend(f"{exc.source}: {problem}" for problem in exc.problems)
    if problems:
        raise RubricLoadError(problems)
    return [_save(rubric_file, path=path) for path, rubric_file in checked]


def rubrics_load_shipped() -> list[tuple[Rubric, bool]]:
    """Load every rubric file shipped under rubrics/ (or CAMPUSEVAL_RUBRICS_DIR)."""
    return rubrics_load_files(paths=shipped_rubric_paths())
