"""How big a zip (an .xlsx, .docx, .pptx, or any zip) says it is once unpacked: every upload that
is a zip is refused past ``MAX_UNPACKED`` before anything reads its parts, so a small file that
inflates to gigabytes (a "zip bomb") never fills the memory of whoever opens it: the imports'
reader, the self-assessment workbook, or a reviewer's Word opening a piece of evidence.

The sizes are the ones the archive's directory declares. Python's zipfile stops reading a
member at its declared size (a member that inflates further fails its check), so the declared
total bounds what any of our readers can unpack."""

from __future__ import annotations

import zipfile
from typing import IO

MAX_UNPACKED = 300 * 1024 * 1024


def unpacked_size(archive: zipfile.ZipFile) -> int:
    """The archive's members' declared sizes, added up."""
    return sum(info.file_size for info in archive.infolist())


def too_large_unpacked(archive: zipfile.ZipFile, limit: int = MAX_UNPACKED) -> bool:
    return unpacked_size(archive) > limit


def limit_text(limit: int = MAX_UNPACKED) -> str:
    return f"{limit // 1024 // 1024} MB"


def also_a_zip(stream: IO[bytes]) -> bool:
    """Whether a file also opens as a zip with members: a zip's directory sits at its end, so
    a PDF or a photo with an archive appended (a "polyglot") reads as both."""
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    finally:
        stream.seek(0)
