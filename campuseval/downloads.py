"""A stored file (evidence, a bulk export) as a download, once the door has let the user have it.

Behind nginx with local files, ``CAMPUSEVAL_ACCEL_REDIRECT`` (e.g. ``/protected/``) names the
internal location that serves ``MEDIA_ROOT`` (docs/deployment.md): the answer then carries only
``X-Accel-Redirect`` and nginx sends the file itself, so a large file never passes through
Python. Otherwise (the development server, an object store) the file is streamed from the
storage. Either way it is an attachment under its own name and never cached.
"""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header


def file_response(stored: FieldFile, *, filename: str, content_type: str) -> HttpResponseBase:
    prefix = settings.ACCEL_REDIRECT_PREFIX
    response: HttpResponseBase
    if prefix and isinstance(stored.storage, FileSystemStorage):
        name = stored.name or ""
        if not name or not stored.storage.exists(name):
            raise Http404("文件已不在存储中，请联系管理员")
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{quote(name)}"
        response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    else:
        try:
            handle = stored.open("rb")
        except FileNotFoundError as exc:
            raise Http404("文件已不在存储中，请联系管理员") from exc
        response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    return response  # no-store for the signed-in user: campuseval/no_store.py
