"""ZIP containers (XLSX, DOCX, PPTX, ODF) measured by what they really expand to.

A ZIP's directory states each entry's size, and a crafted file lies there: entries that say 1 KB
and inflate to 300 MiB. `check_zip_expansion` decompresses every entry in chunks, counting the bytes
that actually come out, and stops as soon as the total passes the limit, so a bomb costs at most
`limit` bytes of work and never that much memory. Documents and spreadsheet imports both call it
before any parser opens the file.
"""

import copy
import zipfile

CHUNK = 64 * 1024


class ArchiveTooLarge(ValueError):
    """The container expands past the limit (the bytes counted so far are in `expanded`)."""

    def __init__(self, expanded: int, limit: int):
        super().__init__(f"expands to more than {limit} bytes")
        self.expanded = expanded
        self.limit = limit


def check_zip_expansion(source, limit: int, *, max_entries: int = 10_000) -> int:
    """The total decompressed size of the ZIP `source` (a path or a seekable binary file).

    Raises ArchiveTooLarge past `limit` bytes (or `max_entries` entries), zipfile.BadZipFile for a
    damaged archive. A file object is rewound to where it was.
    """
    position = source.tell() if hasattr(source, "tell") else None
    total = 0
    try:
        with zipfile.ZipFile(source) as archive:
            entries = archive.infolist()
            if len(entries) > max_entries:
                raise ArchiveTooLarge(total, limit)
            for entry in entries:
                if entry.is_dir():
                    continue
                # zipfile stops at the size the directory states; ask for more than is left of
                # the limit, so that a lie shows as bytes counted. The CRC is left to the parser
                # that reads the file afterwards (a partial read here cannot match it).
                probe = copy.copy(entry)
                probe.file_size = limit - total + 1
                probe.CRC = None
                with archive.open(probe) as stream:
                    while chunk := stream.read(CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise ArchiveTooLarge(total, limit)
    finally:
        if position is not None:
            source.seek(position)
    return total
