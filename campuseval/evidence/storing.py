"""Keeping an uploaded file so that a failing disk loses nothing and leaves nothing.

A disk that fills half way through a file raises OSError (ENOSPC) from the storage, after
FileSystemStorage has written part of it under its final name. Saved through :func:`store`,
the part is removed and the school is told the server is out of space (StorageFailed, an
UploadRefused: every door that shows a refusal shows it); the server's log says which file and
why. The same holds for the temporary file Django writes while a large upload arrives
(``uploads.reads_uploads``).
"""

from __future__ import annotations

import errno
import logging

from django.core.files import File
from django.db.models.fields.files import FieldFile

from .checks import UploadRefused

logger = logging.getLogger(__name__)

NO_SPACE = {errno.ENOSPC, errno.EDQUOT}
FULL = "服务器存储空间不足，文件未保存，请稍后重试或联系管理员"
FAILED = "服务器保存文件时出错，文件未保存，请稍后重试或联系管理员"


class StorageFailed(UploadRefused):
    """The storage could not keep a file (no space, an I/O error); nothing of it was kept."""

    def __init__(self, exc: OSError) -> None:
        super().__init__(message_for(exc), "storage")


def message_for(exc: OSError) -> str:
    return FULL if exc.errno in NO_SPACE else FAILED


def store(field_file: FieldFile, name: str, content: File) -> str:
    """Save ``content`` under the field's generated name (``upload_to``; ``name`` only gives
    its extension, if the field keeps one) and return the stored name. On an OSError, remove
    what the storage wrote and raise StorageFailed."""
    field, storage = field_file.field, field_file.storage
    # The name chosen here is the one the storage writes to: a failure knows what to remove.
    target = storage.get_available_name(field.generate_filename(field_file.instance, name), max_length=field.max_length)
    try:
        return storage.save(target, content, max_length=field.max_length)
    except OSError as exc:
        logger.error("file %s not stored (%s): %s", target, errno.errorcode.get(exc.errno or 0, "?"), exc, exc_info=exc)
        try:
            storage.delete(target)
        except OSError:
            logger.exception("the part of %s written before the failure could not be removed", target)
        raise StorageFailed(exc) from exc
