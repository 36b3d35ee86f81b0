"""Writes of evidence: upload, link, text, attach, unlink, carry last year's.

Evidence belongs to the school and is stored once; an EvidenceLink ties it to one indicator of
one application. Every change to an application's evidence obeys the same rule as its scores
(``campaigns.services.school_may_edit``: state and deadline) and leaves an audit record.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import IO
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction

from campuseval.accounts.models import User
from campuseval.audit.models import AuditRecord
from campuseval.audit.services import audit_append, audit_log, entry_for, snapshot
from campuseval.campaigns.models import Application
from campuseval.campaigns.rules import WorkflowError
from campuseval.campaigns.services import school_may_edit

from .checks import FileType, UploadRefused, check_upload, human_size, max_application_bytes
from .models import EvidenceItem, EvidenceLink
from .selectors import application_file_bytes, carryable_links, previous_application
from .storing import store

ITEM_FIELDS = ["school_id", "kind", "title", "original_name", "content_type", "size", "sha256", "url"]
MAX_TEXT = 20000


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the name as the client sent it, and its content."""

    name: str
    file: IO[bytes]
    size: int


@dataclass
class Added:
    """What an evidence action did, for the page's message."""

    links: list[EvidenceLink] = field(default_factory=list)
    reused: list[str] = field(default_factory=list)  # names of files the school already had


def _region(application: Application) -> str:
    return application.school.county.code


def _editable(application: Application, code: str | None = None) -> Application:
    """Lock the application and apply the school's edit rule (state, deadline)."""
    application = (
        # Its own row only (OF self): locking the campaign's row with it would make every
        # upload of the campaign wait on every other, and deadlock with the foreign-key checks
        # of writes that take the audit chain's head first (seen under make load).
        Application.objects.select_for_update(of=("self",))
        .select_related("campaign__rubric", "school__county")
        .get(pk=application.pk)
    )
    school_may_edit(application)
    if code is not None and code not in application.campaign.rubric.engine_rubric().index:
        raise WorkflowError(f"评估标准中没有指标 {code}")
    return application


def _link(by: User, application: Application, item: EvidenceItem, code: str, carried: bool = False) -> EvidenceLink | None:
    link, created = EvidenceLink.objects.get_or_create(
        evidence=item, application=application, code=code, defaults={"carried": carried}
    )
    if not created:
        return None
    audit_log(
        "create",
        link,
        after={"evidence_id": item.pk, "application_id": application.pk, "code": code, "carried": carried},
        region_code=_region(application),
    )
    return link


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _create_item(by: User, application: Application, **fields: object) -> EvidenceItem:
    item = EvidenceItem(school=application.school, created_by=by, **fields)
    item.full_clean(exclude=["file"])
    item.save()
    audit_log("create", item, after=snapshot(item, ITEM_FIELDS), region_code=_region(application))
    return item


@transaction.atomic
def evidence_upload(*, by: User, application: Application, code: str, uploads: list[Upload], title: str = "") -> Added:
    """Check every file (name, size, real type), then store the new ones and link them all.

    All or nothing: one refused file refuses the upload, naming each problem. A file the school
    has stored before (same sha256) is linked again, not stored twice. A storage that fails
    (disk full) keeps none of the files and raises StorageFailed, an UploadRefused.
    """
    application = _editable(application, code)
    if not uploads:
        raise UploadRefused("请选择要上传的文件")
    problems: list[str] = []
    checked: list[tuple[Upload, FileType, str]] = []
    for upload in uploads:
        try:
            kind = check_upload(upload.file, upload.name, upload.size)
        except UploadRefused as exc:
            problems.append(str(exc))
            continue
        checked.append((upload, kind, _sha256(upload.file)))
    if problems:
        raise UploadRefused("；".join(problems))

    existing = {
        i.sha256: i
        for i in EvidenceItem.objects.filter(
            school=application.school, kind=EvidenceItem.Kind.FILE, sha256__in=[h for _, _, h in checked]
        )
    }
    linked_ids = set(EvidenceLink.objects.filter(application=application).values_list("evidence_id", flat=True))
    adding = 0
    seen: set[str] = set()
    for upload, _kind, sha in checked:
        item = existing.get(sha)
        if sha in seen or (item is not None and item.pk in linked_ids):
            continue
        seen.add(sha)
        adding += upload.size
    used = application_file_bytes(application)
    limit = max_application_bytes()
    if used + adding > limit:
        raise UploadRefused(
            f"本申报的佐证文件合计将达到 {human_size(used + adding)}，超过每份申报的上限 {human_size(limit)}"
            f"（已上传 {human_size(used)}）"
        )

    added = Added()
    stored: list[EvidenceItem] = []
    try:
        for upload, kind, sha in checked:
            item = existing.get(sha)
            if item is None:
                item = EvidenceItem(
                    school=application.school,
                    kind=EvidenceItem.Kind.FILE,
                    title=(title.strip() or upload.name)[:200],
                    original_name=upload.name,
                    content_type=kind.content_type,
                    size=upload.size,
                    sha256=sha,
                    created_by=by,
                )
                upload.file.seek(0)
                # The storage name comes from the model's upload_to: never the client's name.
                # A full disk removes the part written and refuses (StorageFailed).
                item.file.name = store(item.file, upload.name, File(upload.file))
                stored.append(item)
                item.full_clean(exclude=["file"])
                item.save()
                audit_log("create", item, after=snapshot(item, ITEM_FIELDS), region_code=_region(application))
                existing[sha] = item
            else:
                added.reused.append(upload.name)
            link = _link(by, application, item, code)
            if link is not None:
                added.links.append(link)
    except BaseException:
        for item in stored:
            item.file.delete(save=False)
        raise
    return added


def check_url(url: str) -> str:
    url = url.strip()
    if not url:
        raise WorkflowError("请填写链接地址")
    if len(url) > 500:
        raise WorkflowError("链接地址过长（最多 500 个字符）")
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as exc:
        raise WorkflowError(f"链接“{url[:80]}”不是有效的网址：只接受以 http:// 或 https:// 开头的完整网址") from exc
    return url


@transaction.atomic
def evidence_add_link(*, by: User, application: Application, code: str, url: str, title: str = "") -> Added:
    """Link a web page (http or https only) to the indicator."""
    application = _editable(application, code)
    url = check_url(url)
    title = title.strip()[:200] or urlsplit(url).netloc
    item = EvidenceItem.objects.filter(school=application.school, kind=EvidenceItem.Kind.LINK, url=url).first()
    if item is None:
        item = _create_item(by, application, kind=EvidenceItem.Kind.LINK, title=title, url=url)
    link = _link(by, application, item, code)
    if link is None:
        raise WorkflowError(f"该链接已关联到指标 {code}")
    return Added(links=[link])


@transaction.atomic
def evidence_add_text(*, by: User, application: Application, code: str, text: str, title: str = "") -> Added:
    """A written explanation (plain text) for the indicator."""
    application = _editable(application, code)
    text = text.strip()
    if not text:
        raise WorkflowError("请填写文字说明")
    if len(text) > MAX_TEXT:
        raise WorkflowError(f"文字说明过长（{len(text)} 字），最多 {MAX_TEXT} 字")
    title = title.strip()[:200] or text.splitlines()[0][:30]
    item = _create_item(by, application, kind=EvidenceItem.Kind.TEXT, title=title, text=text)
    link = _link(by, application, item, code)
    assert link is not None  # a new item has no links yet
    return Added(links=[link])


@transaction.atomic
def evidence_attach(*, by: User, application: Application, code: str, evidence: EvidenceItem) -> Added:
    """Link evidence the school already has to one more indicator."""
    application = _editable(application, code)
    if evidence.school_id != application.school_id:
        raise WorkflowError("只能选择本校的佐证材料")
    if evidence.kind == EvidenceItem.Kind.FILE and not EvidenceLink.objects.filter(
        application=application, evidence=evidence
    ).exists():
        used = application_file_bytes(application)
        limit = max_application_bytes()
        if used + evidence.size > limit:
            raise WorkflowError(
                f"本申报的佐证文件合计将达到 {human_size(used + evidence.size)}，超过每份申报的上限 {human_size(limit)}"
            )
    link = _link(by, application, evidence, code)
    if link is None:
        raise WorkflowError(f"“{evidence.title}”已关联到指标 {code}")
    return Added(links=[link])


@transaction.atomic
def evidence_unlink(*, by: User, link: EvidenceLink) -> None:
    """Remove evidence from one indicator; the school keeps the evidence itself."""
    _editable(link.application)
    audit_log(
        "delete",
        link,
        before={"evidence_id": link.evidence_id, "application_id": link.application_id, "code": link.code, "carried": link.carried},
        region_code=_region(link.application),
    )
    link.delete()


@transaction.atomic
def evidence_carry(*, by: User, application: Application) -> int:
    """Link the evidence of the school's previous application to the same indicator codes.

    The links are marked as carried (沿用); evidence already linked stays as it is.
    """
    application = _editable(application)
    source = previous_application(application)
    if source is None:
        raise WorkflowError("没有可沿用的往年佐证材料")
    links = carryable_links(application, source)
    if not links:
        return 0
    files = {link.evidence_id: link.evidence for link in links if link.evidence.kind == EvidenceItem.Kind.FILE}
    linked = set(EvidenceLink.objects.filter(application=application).values_list("evidence_id", flat=True))
    adding = sum(item.size for pk, item in files.items() if pk not in linked)
    used = application_file_bytes(application)
    limit = max_application_bytes()
    if used + adding > limit:
        raise WorkflowError(
            f"沿用后本申报的佐证文件合计将达到 {human_size(used + adding)}，超过每份申报的上限 {human_size(limit)}"
        )
    created = EvidenceLink.objects.bulk_create(
        [EvidenceLink(evidence=link.evidence, application=application, code=link.code, carried=True) for link in links]
    )
    audit_append(
        [
            entry_for(
                "create",
                link,
                after={
                    "evidence_id": link.evidence_id,
                    "application_id": application.pk,
                    "code": link.code,
                    "carried": True,
                    "from_application_id": source.pk,
                },
                region_code=_region(application),
            )
            for link in created
        ]
    )
    return len(created)


def evidence_downloaded(*, by: User, item: EvidenceItem) -> None:
    """Record that someone opened a stored file (who, which file, whose school): a school's
    documents may name its staff and students (issue 13)."""
    audit_log(
        AuditRecord.Action.DOWNLOAD, item, after={"file": item.original_name, "size": item.size},
        region_code=item.school.county.code, by=by,
    )
