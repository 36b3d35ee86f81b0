"""Reads of evidence: what an application links, what a school has, what was used before,
and which files another school also submitted (flagged to reviewers)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.urls import reverse

from campuseval.campaigns.models import Application
from campuseval.regions.selectors import schools_for

from .access import links_for_viewer
from .models import EvidenceItem, EvidenceLink


def links_by_code(user: Any, application: Application) -> dict[str, list[EvidenceLink]]:
    """The links of the application to evidence the user may open, grouped by indicator code
    (one query; the door decides, so an observer's page lists none)."""
    out: dict[str, list[EvidenceLink]] = defaultdict(list)
    for link in links_for_viewer(user, application.pk):
        out[link.code].append(link)
    return dict(out)


def indicator_links(application: Application, code: str) -> list[EvidenceLink]:
    return list(
        EvidenceLink.objects.filter(application=application, code=code).select_related("evidence")
    )


def school_evidence(school_id: int) -> QuerySet[EvidenceItem]:
    """Everything the school has stored, newest first: the choices of 从已有材料中选择."""
    return EvidenceItem.objects.filter(school_id=school_id).order_by("-created_at", "-id")


def application_file_bytes(application: Application) -> int:
    """Bytes of the distinct files linked to the application (a file backing two indicators counts once)."""
    ids = EvidenceLink.objects.filter(application=application).values("evidence_id")
    total = EvidenceItem.objects.filter(pk__in=ids, kind=EvidenceItem.Kind.FILE).aggregate(n=Sum("size"))["n"]
    return int(total or 0)


def previous_application(application: Application) -> Application | None:
    """The school's latest application in an earlier campaign that has evidence linked."""
    campaign = application.campaign
    return (
        Application.objects.filter(school_id=application.school_id, evidence_links__isnull=False)
        .exclude(pk=application.pk)
        .filter(Q(campaign__year__lt=campaign.year) | Q(campaign__year=campaign.year, campaign__opens_at__lt=campaign.opens_at))
        .select_related("campaign")
        .order_by("-campaign__year", "-campaign__opens_at")
        .distinct()
        .first()
    )


@dataclass(frozen=True)
class CarryOffer:
    source: Application
    count: int  # links that carrying would add


def carryable_links(application: Application, source: Application) -> list[EvidenceLink]:
    """The source's links to indicator codes the application's rubric has, not yet linked here."""
    codes = set(application.campaign.rubric.engine_rubric().index)
    have = set(EvidenceLink.objects.filter(application=application).values_list("evidence_id", "code"))
    return [
        link
        for link in EvidenceLink.objects.filter(application=source).select_related("evidence")
        if link.code in codes and (link.evidence_id, link.code) not in have
    ]


def carry_offer(application: Application) -> CarryOffer | None:
    source = previous_application(application)
    if source is None:
        return None
    count = len(carryable_links(application, source))
    return CarryOffer(source, count) if count else None


@dataclass
class DuplicateFlag:
    """A file of this application whose content another school also submitted."""

    item: EvidenceItem
    codes: list[str]
    other_schools: int
    shown: list[str] = field(default_factory=list)  # names of those the viewer may see


def duplicate_flags(application: Application, user: Any = None) -> list[DuplicateFlag]:
    """Files linked to the application whose sha256 appears in evidence of a different school.

    For reviewers only. The other schools are named only where ``user`` may see them; the
    rest are counted.
    """
    links = list(
        EvidenceLink.objects.filter(application=application, evidence__kind=EvidenceItem.Kind.FILE)
        .exclude(evidence__sha256="")
        .select_related("evidence")
    )
    items: dict[int, EvidenceItem] = {}
    codes: dict[int, list[str]] = defaultdict(list)
    for link in links:
        items[link.evidence_id] = link.evidence
        codes[link.evidence_id].append(link.code)
    hashes = {i.sha256 for i in items.values()}
    if not hashes:
        return []
    others: dict[str, dict[int, str]] = defaultdict(dict)
    rows = (
        EvidenceItem.objects.filter(sha256__in=hashes)
        .exclude(school_id=application.school_id)
        .values_list("sha256", "school_id", "school__name")
    )
    for sha, school_id, name in rows:
        others[sha][school_id] = name
    if not others:
        return []
    visible: set[int] = set()
    if user is not None:
        wanted = {sid for by_school in others.values() for sid in by_school}
        visible = set(schools_for(user).filter(pk__in=wanted).values_list("pk", flat=True))
    flags = []
    for pk, item in items.items():
        by_school = others.get(item.sha256)
        if by_school:
            flags.append(
                DuplicateFlag(
                    item=item,
                    codes=sorted(set(codes[pk])),
                    other_schools=len(by_school),
                    shown=sorted(name for sid, name in by_school.items() if sid in visible),
                )
            )
    return sorted(flags, key=lambda f: f.item.original_name)


@dataclass
class EvidenceRow:
    """One piece of evidence linked to an indicator, as a reviewer sees it."""

    item: EvidenceItem
    carried: bool
    download_url: str | None  # a stored file, through the scoped download view
    duplicate: DuplicateFlag | None  # the same file (by content hash) at another school

    @property
    def href(self) -> str | None:
        return self.download_url or (self.item.url if self.item.kind == EvidenceItem.Kind.LINK else None)


def evidence_rows(user: Any, application: Application) -> dict[str, list[EvidenceRow]]:
    """The evidence linked to each indicator that the user may open, with files another school
    also submitted: the one evidence reader of the county's and the experts' pages."""
    flags = {f.item.pk: f for f in duplicate_flags(application, user)}
    by_code: dict[str, list[EvidenceRow]] = {}
    for link in links_for_viewer(user, application.pk).order_by("code", "id"):
        item = link.evidence
        url = reverse("evidence:download", args=[item.pk]) if item.kind == EvidenceItem.Kind.FILE else None
        by_code.setdefault(link.code, []).append(EvidenceRow(item, link.carried, url, flags.get(item.pk)))
    return by_code
