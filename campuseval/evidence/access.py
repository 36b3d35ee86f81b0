"""The door to evidence: the school's own items, and what reviewers of its applications may open."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from campuseval.accounts import gates
from campuseval.accounts.scope import AnyUser, get_in_scope
from campuseval.campaigns.access import applications_for
from campuseval.regions.selectors import schools_for

from .models import EvidenceItem, EvidenceLink


def evidence_for(user: AnyUser) -> QuerySet[EvidenceItem]:
    """Evidence items: the school's own, and those of schools whose applications the user sees."""
    if not user.is_authenticated:
        return EvidenceItem.objects.none()
    visible_schools = applications_for(user).values("school_id")
    return EvidenceItem.objects.filter(Q(school__in=schools_for(user)) | Q(school_id__in=visible_schools))


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
