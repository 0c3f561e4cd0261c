"""Play the demo history in time order, each event inside `clock.frozen_at` its own moment."""

from __future__ import annotations

import datetime
import heapq
import itertools
import struct
import zlib
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core import clock

Action = Callable[[], object]


class Timeline:
    """A queue of dated service calls, played oldest first; events after `until` never happen."""

    def __init__(self, *, until: datetime.datetime):
        self.until = until
        self._queue: list[tuple[datetime.datetime, int, Action]] = []
        self._order = itertools.count()
        self._current: datetime.datetime | None = None

    def _fit(self, moment: datetime.datetime, *, squeeze: bool) -> datetime.datetime | None:
        """Return when an event planned for `moment` happens, or None when it lies in the future.

        With `squeeze`, an event planned for later today (its office hour has not come yet) is moved
        to just before `until`, keeping today's order: the story's key events must have happened
        whatever day and hour the history is built.
        """
        if moment > self.until:
            if not squeeze or timezone.localdate(moment) != timezone.localdate(self.until):
                return None
            midnight = timezone.make_aware(
                datetime.datetime.combine(timezone.localdate(moment) + datetime.timedelta(days=1), datetime.time())
            )
            moment = self.until - datetime.timedelta(milliseconds=(midnight - moment).total_seconds())
        if self._current is not None and moment < self._current:
            moment = self._current  # an event scheduled while playing never goes back in time
        return moment

    def at(self, moment: datetime.datetime, action: Action, *, squeeze: bool = False) -> bool:
        """Schedule the action at the moment; return False when the moment is still to come."""
        fitted = self._fit(moment, squeeze=squeeze)
        if fitted is None:
            return False
        heapq.heappush(self._queue, (fitted, next(self._order), action))
        return True

    def play(self) -> int:
        """Run every event in time order; return how many ran."""
        count = 0
        while self._queue:
            moment, _, action = heapq.heappop(self._queue)
            self._current = moment
            with clock.frozen_at(moment):
                action()
            count += 1
        return count


def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def tiny_png(name: str, colour: tuple[int, int, int] = (46, 125, 50)) -> SimpleUploadedFile:
    """Return a valid one-pixel PNG upload (a photo of the evidence, in spirit)."""
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" + bytes(colour))
    data = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", pixels) + _png_chunk(b"IEND", b"")
    return SimpleUploadedFile(name, data, content_type="image/png")


def tiny_pdf(name: str, line: str = "Evidence") -> SimpleUploadedFile:
    """Return a valid one-page PDF upload with one line of (ASCII) text."""
    text = line.encode("ascii", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    data = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += str(number).encode() + b" 0 obj\n" + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 " + str(len(objects) + 1).encode() + b"\n0000000000 65535 f \n"
    data += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    data += b"trailer\n<< /Size " + str(len(objects) + 1).encode() + b" /Root 1 0 R >>\nstartxref\n"
    data += str(xref).encode() + b"\n%%EOF\n"
    return SimpleUploadedFile(name, data, content_type="application/pdf")
