"""The door to evidence: the school's own items, and what reviewers of its applications may open."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from campuseval.accounts import gates, scope
from campuseval.accounts.scope import AnyUser, get_in_scope
from campuseval.campaigns.access import applications_for, applications_reviewed_by

from .models import EvidenceItem, EvidenceLink


def evidence_for(user: AnyUser) -> QuerySet[EvidenceItem]:
    """Evidence items a user may open: the school's own; every item of the schools a city or
    county administrator supervises; and, for an expert, only the items linked to the
    applications assigned to them while the city review runs (not the school's other, even
    draft, applications). Observers open no evidence (docs/decisions.md)."""
    if not user.is_authenticated:
        return EvidenceItem.objects.none()
    if scope.is_platform_admin(user):
        return EvidenceItem.objects.all()
    supervised = scope.region_q("school__county__", scope.places(user, scope.WRITE_ROLES))
    own = Q(school_id__in=scope.own_school_ids(user))
    reviewed = EvidenceLink.objects.filter(application__in=applications_reviewed_by(user)).values("evidence_id")
    return EvidenceItem.objects.filter(supervised | own | Q(pk__in=reviewed))


def file_for_download(user: AnyUser, pk: int) -> EvidenceItem:
    """A stored file the user may open (404 outside scope, or when the item is not a file)."""
    item = get_in_scope(evidence_for(user), pk=pk)
    if item.kind != EvidenceItem.Kind.FILE or not item.file:
        raise Http404("这项佐证材料不是文件")
    return item


def link_for_school(user: AnyUser, pk: int) -> EvidenceLink:
    """A link of the school's own application, to remove it."""
    gates.require(user, "evidence")
    qs = EvidenceLink.objects.select_related(
        "evidence", "application__campaign__rubric", "application__school__county"
    ).filter(application__in=applications_for(user, action="school"))
    return get_in_scope(qs, pk=pk)


def links_for_viewer(user: AnyUser, application_id: int) -> QuerySet[EvidenceLink]:
    """The links of an application to evidence the user may open."""
    return EvidenceLink.objects.filter(
        application_id=application_id, evidence__in=evidence_for(user)
    ).select_related("evidence")
