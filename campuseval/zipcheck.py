"""How big a zip (an .xlsx, .docx, .pptx, or any zip) says it is once unpacked: every upload that
is a zip is refused past ``MAX_UNPACKED`` before anything reads its parts, so a small file that
inflates to gigabytes (a "zip bomb") never fills the memory of whoever opens it: the imports'
reader, the self-assessment workbook, or a reviewer's Word opening a piece of evidence.

The sizes are the ones the archive's directory declares. Python's zipfile stops reading a
member at its declared size (a member that inflates further fails its check), so the declared
total bounds what any of our readers can unpack."""

from __future__ import annotations

import struct
import zipfile
from typing import IO

MAX_UNPACKED = 300 * 1024 * 1024
# An Office file has tens of parts, a large workbook a few thousand; an archive of hundreds of
# thousands of empty members costs seconds and hundreds of MB just to open (its directory is
# read whole), so the count its end record declares is checked before anything opens it.
MAX_MEMBERS = 10_000
_END = b"PK\x05\x06"
_END_SIZE = 22
_COMMENT_MAX = 65535


def unpacked_size(archive: zipfile.ZipFile) -> int:
    """The archive's members' declared sizes, added up."""
    return sum(info.file_size for info in archive.infolist())


def too_large_unpacked(archive: zipfile.ZipFile, limit: int = MAX_UNPACKED) -> bool:
    return unpacked_size(archive) > limit


def declared_members(stream: IO[bytes]) -> int | None:
    """The number of members a zip's end record declares (65535 for a zip64 archive, which
    declares more elsewhere), or None when the file has no end record: read from the last
    64 KB only, without opening the archive."""
    stream.seek(0, 2)
    size = stream.tell()
    start = max(0, size - _END_SIZE - _COMMENT_MAX)
    stream.seek(start)
    tail = stream.read()
    stream.seek(0)
    at = tail.rfind(_END)
    while at >= 0:  # the real record is the one its comment's length brings to the file's end
        if len(tail) - at >= _END_SIZE:
            total, comment = struct.unpack("<H8xH", tail[at + 10 : at + _END_SIZE])
            if at + _END_SIZE + comment == len(tail):
                return int(total)  # entries in the directory, in all
        at = tail.rfind(_END, 0, at)
    return None


def too_many_members(stream: IO[bytes], limit: int = MAX_MEMBERS) -> bool:
    count = declared_members(stream)
    return count is not None and count > limit


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
