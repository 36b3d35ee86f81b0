"""Reads: rubrics are published documents, visible to everyone."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery

from campuseval.exporting import Words
from campuseval.rubricfile.schema import IndicatorSpec, RubricFile

from .models import Rubric


def rubric_list() -> QuerySet[Rubric]:
    """The latest version of each rubric, by city then code."""
    latest = Rubric.objects.filter(code=OuterRef("code")).order_by("-version").values("version")
    return Rubric.objects.filter(version=Subquery(latest[:1])).order_by("city", "code")


def rubric_choices(*, keep: int | None = None) -> QuerySet[Rubric]:
    """The latest versions, plus the version ``keep`` (the one a campaign already uses)."""
    latest = rubric_list().values("pk")
    return Rubric.objects.filter(Q(pk__in=latest) | Q(pk=keep)).order_by("city", "code", "-version")


def rubric_get(*, code: str, version: int | None = None) -> Rubric | None:
    """One version of a rubric (the latest when version is None), or None."""
    rubrics = Rubric.objects.filter(code=code)
    if version is not None:
        rubrics = rubrics.filter(version=version)
    return rubrics.order_by("-version").first()


def rubric_versions(*, code: str) -> list[int]:
    """Every version number of a rubric, newest first."""
    return list(
        Rubric.objects.filter(code=code).order_by("-version").values_list("version", flat=True)
    )


def rubric_search(*, rubric_file: RubricFile, q: str) -> list[IndicatorSpec]:
    """The indicators whose code or text, or whose area or sub-area title, contains q.

    Case-insensitive; an empty query matches nothing.
    """
    needle = q.strip().casefold()
    if not needle:
        return []
    found: list[IndicatorSpec] = []
    for area in rubric_file.areas:
        for sub in area.subareas:
            titles = f"{area.title}\n{sub.title}".casefold()
            for ind in sub.indicators:
                if needle in titles or needle in f"{ind.code}\n{ind.text}".casefold():
                    found.append(ind)
    return found


def form_words(rubric: Rubric) -> Words:
    """The words the rubric's city prints on its forms: those its file names (``forms``),
    else Taizhou's for a points rubric (the forms we print come from its notice) and the
    general 县（市、区） for a criteria rubric."""
    found = rubric.rubric_file()
    spec = found.forms
    default = Words() if found.kind == "points" else Words(unit="县（市、区）")
    if spec is None:
        return default
    return Words(unit=spec.unit or default.unit, city_bureau=spec.city_bureau or default.city_bureau)
