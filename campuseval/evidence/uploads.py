"""Read an upload request ourselves, so that the checks see what the client really sent.

Django quietly cleans upload names (it drops path parts and control characters) and reads any
size of file to disk before a view runs. We want to refuse an oddly named file with a message
instead of storing it under a silently changed name, and to stop reading a file as soon as it
passes the per-file limit. Django's documented way to change upload handling for one view is
``csrf_exempt`` outside and ``csrf_protect`` inside; :func:`reads_uploads` does that, for the
evidence (its 50 MB limit: ``@reads_uploads``) and for any other door with its own limit
(``@reads_uploads(limit=lambda: MAX_BYTES)``, read on each request).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, overload

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, QueryDict
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .checks import max_file_bytes
from .storing import message_for

logger = logging.getLogger(__name__)


class _RawNameParser(MultiPartParser):
    """Django's parser, remembering each file's name as sent before it is cleaned."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names: list[tuple[str, str | None]] = []  # (as sent, as Django keeps it)

    def sanitize_file_name(self, file_name: str) -> str | None:
        clean = super().sanitize_file_name(file_name)
        self.names.append((file_name, clean))
        return clean


class _SizeLimit(FileUploadHandler):
    """Skip (stop reading) any file past the limit, and remember its name; the first handler,
    it also sees the field of every file the parser keeps, in order."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_big: list[str] = []
        self.fields: list[str] = []  # the field of each file kept by the parser, in order
        self.skipped: set[int] = set()  # which of them were past the limit

    def new_file(self, field_name: str, *args: Any, **kwargs: Any) -> None:
        super().new_file(field_name, *args, **kwargs)
        self.fields.append(field_name)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.limit:
            self.too_big.append(self.file_name or "")
            self.skipped.add(len(self.fields) - 1)
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


def _sent_by_field(names: list[tuple[str, str | None]], limit: _SizeLimit) -> dict[str, list[str]]:
    """Field -> the sent names of its files in ``request.FILES``, in the same order."""
    kept = [sent for sent, clean in names if clean]  # the files that reached the handlers
    sent: dict[str, list[str]] = {}
    for n, (field, name) in enumerate(zip(limit.fields, kept, strict=False)):
        if n not in limit.skipped:
            sent.setdefault(field, []).append(name)
    return sent


View = Callable[..., HttpResponse]


@overload
def reads_uploads(view: View, /) -> View: ...
@overload
def reads_uploads(*, limit: Callable[[], int]) -> Callable[[View], View]: ...


def reads_uploads(view: View | None = None, /, *, limit: Callable[[], int] = max_file_bytes) -> Any:
    """Parse a multipart POST with raw names and the size limit, then run the view with CSRF.

    ``limit()`` is the per-file limit in bytes, asked on each request (the evidence's by
    default). The view finds ``request.upload_names`` (list of (sent, kept) names, in order),
    ``request.upload_sent`` (field -> the sent names of that field's files in ``request.FILES``,
    in order), ``request.upload_too_big`` (names of files skipped for their size) and
    ``request.upload_failed`` (the message when the server could not even receive the files:
    its temporary folder full; the view must then answer that message and write nothing).
    """
    if view is None:
        return lambda inner: _reads_uploads(inner, limit)
    return _reads_uploads(view, limit)


def _reads_uploads(view: View, limit_bytes: Callable[[], int]) -> View:
    protected = csrf_protect(view)

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        names: list[tuple[str, str | None]] = []
        sent: dict[str, list[str]] = {}
        too_big: list[str] = []
        failed = ""
        if request.method == "POST" and request.content_type == "multipart/form-data":
            limit = _SizeLimit(request, limit_bytes())
            handlers = [limit, *request.upload_handlers]
            parser = _RawNameParser(request.META, request, handlers, request.encoding)
            try:
                request._post, request._files = parser.parse()  # type: ignore[attr-defined]
            except MultiPartParserError:
                return HttpResponseBadRequest("上传的数据不完整，请重新上传")
            except OSError as exc:  # Django's temporary file of a large upload: the disk is full
                logger.error("upload not received: %s", exc, exc_info=exc)
                request._post, request._files = QueryDict(), MultiValueDict()  # type: ignore[attr-defined]
                failed = message_for(exc)
            names, too_big = parser.names, limit.too_big
            sent = _sent_by_field(names, limit)
        request.upload_names = names  # type: ignore[attr-defined]
        request.upload_sent = sent  # type: ignore[attr-defined]
        request.upload_too_big = too_big  # type: ignore[attr-defined]
        request.upload_failed = failed  # type: ignore[attr-defined]
        if failed:
            # The form's fields (its CSRF token among them) were lost with the files; the view
            # only answers the message, so there is nothing for CSRF to protect.
            return view(request, *args, **kwargs)
        return protected(request, *args, **kwargs)

    return csrf_exempt(wrapped)
