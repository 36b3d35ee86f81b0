"""Checks on an uploaded file, by its content and not by its name: the one rule of every door
that takes a file (evidence here; the imports' workbooks through :func:`check_file`).

The real type comes from the bytes (magic numbers; for Office files the parts inside the zip or
the streams inside the OLE2 compound file). Anything else is refused, and so are files that are
two things at once (a PDF or a photo that also opens as a zip, any file carrying HTML or script)
and names that could be dangerous or are plainly wrong: path separators, control characters,
characters Windows cannot hold, an absurd length. Messages are in Chinese and name the file;
each refusal carries a ``reason`` so that a door may add its own advice.
"""

from __future__ import annotations

import html
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings

from campuseval.zipcheck import (
    MAX_MEMBERS,
    also_a_zip,
    limit_text,
    too_large_unpacked,
    too_many_members,
)

MAX_NAME_LENGTH = 200
MB = 1024 * 1024
HEAD = 64  # bytes read to recognise a type


class UploadRefused(Exception):
    """An upload the rules do not accept; the message says why, naming the file.

    ``reason`` names the rule: name, size, empty, type, extension, bomb, members, macro, polyglot, markup."""

    def __init__(self, message: str, reason: str = "") -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class FileType:
    content_type: str
    label: str
    extensions: tuple[str, ...]


PDF = FileType("application/pdf", "PDF 文档", (".pdf",))
PNG = FileType("image/png", "PNG 图片", (".png",))
JPEG = FileType("image/jpeg", "JPEG 图片", (".jpg", ".jpeg", ".jpe", ".jfif"))
GIF = FileType("image/gif", "GIF 图片", (".gif",))
WEBP = FileType("image/webp", "WebP 图片", (".webp",))
HEIC = FileType("image/heic", "HEIC 图片", (".heic", ".heif"))
MP4 = FileType("video/mp4", "MP4 视频", (".mp4", ".m4v", ".mov", ".3gp"))
MOV = FileType("video/quicktime", "MOV 视频", (".mov", ".qt", ".mp4"))
AVI = FileType("video/x-msvideo", "AVI 视频", (".avi",))
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word 文档", (".docx",)
)
XLSX = FileType(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格", (".xlsx",)
)
PPTX = FileType(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint 演示文稿",
    (".pptx",),
)
DOC = FileType("application/msword", "Word 文档（.doc）", (".doc",))
XLS = FileType("application/vnd.ms-excel", "Excel 表格（.xls）", (".xls",))
PPT = FileType("application/vnd.ms-powerpoint", "PowerPoint 演示文稿（.ppt）", (".ppt",))

ACCEPTED = (PDF, PNG, JPEG, GIF, WEBP, HEIC, MP4, MOV, AVI, DOCX, XLSX, PPTX, DOC, XLS, PPT)
ZIPPED = (DOCX, XLSX, PPTX)  # the accepted types that are zip archives themselves
# For the file input's accept attribute: a hint to the phone's picker, never a check.
ACCEPT_ATTR = ",".join(sorted({ext for t in ACCEPTED for ext in t.extensions}))
ACCEPTED_TEXT = "PDF、图片（JPG/PNG/GIF/WebP/HEIC）、Word、Excel、PowerPoint、视频（MP4/MOV/AVI）"

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream that makes an OLE2 compound file a Word, Excel or PowerPoint file (an installer
# or any other compound file has none of them).
OLE_STREAMS = (
    ("WordDocument".encode("utf-16-le"), DOC),
    ("Workbook".encode("utf-16-le"), XLS),
    ("Book".encode("utf-16-le") + b"\x00\x00", XLS),
    ("PowerPoint Document".encode("utf-16-le"), PPT),
)
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"mif1", b"msf1"}
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
# What Windows forbids in a name besides / and \ (a reviewer saving the file there could not).
WINDOWS_FORBIDDEN = set('<>:"|?*')
# Markup a browser would run, looked for anywhere in a file, in any case: a photo or a PDF that
# is also a web page. Office and PDF files keep their text compressed, so a real one has none.
MARKUP = re.compile(rb"<(?:script|html|!doctype\s+html|iframe|svg|object|embed|body)\b", re.IGNORECASE)
MARKUP_SPAN = 20  # longer than any match: the overlap kept between two chunks
CHUNK = 1024 * 1024


def max_file_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_FILE_BYTES", 50 * MB))


def max_application_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_APPLICATION_BYTES", 2 * 1024 * MB))


def human_size(n: int) -> str:
    """1536 -> "1.5 KB", 52428800 -> "50 MB", 2 GiB -> "2 GB"."""
    size = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            text = f"{size:.1f}".rstrip("0").rstrip(".") if unit != "B" else str(int(size))
            return f"{text} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def _shown(name: str) -> str:
    shown = name if len(name) <= 60 else name[:57] + "…"
    return "".join(c if unicodedata.category(c)[0] != "C" else "?" for c in shown)


def check_name(name: str) -> str:
    """The name as given, if it is a plain file name; UploadRefused otherwise.

    Django reads ``&#47;`` in a sent name as ``/``: the name is judged as written and as read."""
    shown = _shown(name)
    if not name or not name.strip():
        raise UploadRefused("文件没有文件名，请给文件命名后再上传", "name")
    for form in dict.fromkeys((name, html.unescape(name))):
        if "/" in form or "\\" in form or form.strip() in {".", ".."}:
            raise UploadRefused(f"文件名“{shown}”含有路径（/ 或 \\），请只用文件本身的名字", "name")
        if any(unicodedata.category(c) in {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"} for c in form):
            raise UploadRefused(f"文件名“{shown}”含有控制字符或不可见字符，请重命名后再上传", "name")
        if WINDOWS_FORBIDDEN & set(form):
            chars = " ".join(sorted(WINDOWS_FORBIDDEN & set(form)))
            raise UploadRefused(f"文件名“{shown}”含有文件名中不允许的字符（{chars}），请重命名后再上传", "name")
    if len(name) > MAX_NAME_LENGTH:
        raise UploadRefused(
            f"文件名“{shown}”过长（{len(name)} 个字符），请缩短到 {MAX_NAME_LENGTH} 个字符以内", "name"
        )
    stem, ext = os.path.splitext(name)
    if not stem.strip(" .") or name != name.strip() or name.endswith("."):
        raise UploadRefused(f"文件名“{shown}”不规范（以空格或点开头、结尾），请重命名后再上传", "name")
    if stem.split(".")[0].upper() in WINDOWS_RESERVED:
        raise UploadRefused(f"文件名“{shown}”是系统保留名称，请重命名后再上传", "name")
    return name


def _ooxml(stream: IO[bytes], name: str) -> FileType | None:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
            bomb = too_large_unpacked(archive)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    if bomb:  # any zip, an Office file or not: the danger is in unpacking it
        raise UploadRefused(
            f"文件“{name}”解压后超过 {limit_text()}，可能是恶意构造的压缩文件，不能上传；"
            "如是 Office 文档，请用 Office 或 WPS 另存后再上传",
            "bomb",
        )
    if "[Content_Types].xml" not in names:
        return None
    if any(n.lower().endswith("vbaproject.bin") for n in names):
        raise UploadRefused(f"文件“{name}”含有宏（VBA），不能上传，请另存为不含宏的文件", "macro")
    for prefix, kind in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
        if any(n.startswith(prefix) for n in names):
            return kind
    return None


def _ole(stream: IO[bytes]) -> FileType | None:
    """Which Office stream the compound file holds, scanning it in chunks."""
    overlap = max(len(marker) for marker, _ in OLE_STREAMS)
    tail = b""
    while chunk := stream.read(1024 * 1024):
        window = tail + chunk
        for marker, kind in OLE_STREAMS:
            if marker in window:
                return kind
        tail = window[-overlap:]
    return None


def sniff(stream: IO[bytes], name: str) -> FileType | None:
    """The real type of the file from its bytes; None when it is none we accept."""
    stream.seek(0)
    head = stream.read(HEAD)
    stream.seek(0)
    kind: FileType | None = None
    if head.startswith(b"%PDF-"):
        kind = PDF
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = PNG
    elif head.startswith(b"\xff\xd8\xff"):
        kind = JPEG
    elif head[:6] in (b"GIF87a", b"GIF89a"):
        kind = GIF
    elif head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        kind = WEBP
    elif head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        kind = AVI
    elif head[4:8] == b"ftyp":
        brand = head[8:12]
        kind = HEIC if brand in HEIC_BRANDS else MOV if brand == b"qt  " else MP4
    elif head.startswith(b"PK\x03\x04"):
        kind = _ooxml(stream, name)
    elif head.startswith(OLE2):
        kind = _ole(stream)
    stream.seek(0)
    return kind


def _markup(stream: IO[bytes]) -> str | None:
    """The first markup the file holds (``<script``), read in chunks (a tag may span two)."""
    stream.seek(0)
    tail = b""
    try:
        while chunk := stream.read(CHUNK):
            window = tail + chunk
            if found := MARKUP.search(window):
                return found.group().decode("ascii").lower()
            tail = window[-MARKUP_SPAN:]
        return None
    finally:
        stream.seek(0)


def check_file(
    stream: IO[bytes], name: str, size: int, *, types: tuple[FileType, ...] = ACCEPTED, limit: int | None = None,
    accepted: str = f"可接受的类型（可上传：{ACCEPTED_TEXT}）",
) -> FileType:
    """Name, size, real type and disguise of one file, for any door: ``types`` it takes, its
    ``limit`` (the evidence limit by default) and how its messages name what it takes.
    UploadRefused (with its ``reason``) and a message naming the file otherwise."""
    check_name(name)
    limit = max_file_bytes() if limit is None else limit
    if size > limit:
        raise UploadRefused(f"文件太大：“{name}”为 {human_size(size)}，超过单个文件的上限 {human_size(limit)}", "size")
    if size == 0:
        raise UploadRefused(f"文件“{name}”是空文件", "empty")
    if too_many_members(stream):  # before any zip reader parses its directory
        raise UploadRefused(
            f"文件“{name}”是含有 {MAX_MEMBERS} 个以上成员的压缩文件，可能是恶意构造的，不能上传；"
            "如是 Office 文档，请用 Office 或 WPS 另存后再上传",
            "members",
        )
    kind = sniff(stream, name)
    if kind is None or kind not in types:
        raise UploadRefused(f"文件“{name}”的内容不是{accepted}；系统按文件内容判断类型，改扩展名无效", "type")
    if kind not in ZIPPED and also_a_zip(stream):
        raise UploadRefused(
            f"文件“{name}”是{kind.label}，但后面还藏有一个压缩包，可能是伪装的文件，不能上传；请用原软件重新导出后再上传",
            "polyglot",
        )
    marker = _markup(stream)
    if marker is not None:
        raise UploadRefused(
            f"文件“{name}”是{kind.label}，但含有网页代码（{marker}…），可能是伪装的网页，不能上传；"
            "请用原软件重新导出后再上传",
            "markup",
        )
    ext = os.path.splitext(name)[1].lower()
    if ext not in kind.extensions:
        raise UploadRefused(
            f"文件“{name}”的内容是{kind.label}，与扩展名“{ext or '（无）'}”不符，"
            f"请改用 {'、'.join(kind.extensions)} 扩展名后再上传",
            "extension",
        )
    return kind


def check_upload(stream: IO[bytes], name: str, size: int) -> FileType:
    """One piece of evidence: any accepted type, within the evidence limit."""
    return check_file(stream, name, size)
