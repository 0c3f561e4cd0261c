"""Make generated files reproducible: the same report gives the same bytes, so checksums compare."""

from __future__ import annotations

import datetime
import io
import zipfile


def normalized_zip(data: bytes, moment: datetime.datetime | datetime.date) -> bytes:
    """Return an Office file (a zip) with every entry stamped `moment`, in the original order.

    openpyxl and python-docx stamp zip entries with the time of writing; rewriting them with the
    report's own cut-off makes two renderings of the same figures byte-identical.
    """
    stamp = (moment.year, moment.month, moment.day, 0, 0, 0)
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(item.filename))
    return buffer.getvalue()
