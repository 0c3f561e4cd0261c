"""Check evidence files (佐证材料) before they are stored: count, size, extension and actual content."""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

# extension → (MIME type, family); the family says which signature the content must have.
ALLOWED = {
    ".jpg": ("image/jpeg", "jpeg"),
    ".jpeg": ("image/jpeg", "jpeg"),
    ".png": ("image/png", "png"),
    ".gif": ("image/gif", "gif"),
    ".webp": ("image/webp", "webp"),
    ".heic": ("image/heic", "heic"),
    ".pdf": ("application/pdf", "pdf"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml"),
    ".doc": ("application/msword", "ole"),
    ".xls": ("application/vnd.ms-excel", "ole"),
    ".ppt": ("application/vnd.ms-powerpoint", "ole"),
    ".wps": ("application/vnd.ms-works", "ole"),
    ".et": ("application/vnd.ms-excel", "ole"),
}
ACCEPT_ATTRIBUTE = ",".join([*ALLOWED, "image/*"])


@dataclass
class CheckedFile:
    """An upload that passed the checks, with what the attachment row records."""

    upload: UploadedFile
    original_name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def _signature_matches(family: str, head: bytes, upload: UploadedFile) -> bool:
    if family == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if family == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if family == "gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if family == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if family == "heic":
        return head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"hevc")
    if family == "pdf":
        return head.startswith(b"%PDF-")
    if family == "ole":
        return head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
    if family == "ooxml":
        if not head.startswith(b"PK\x03\x04"):
            return False
        upload.seek(0)
        try:
            with zipfile.ZipFile(upload.file) as archive:
                return "[Content_Types].xml" in archive.namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            upload.seek(0)
    return False


def check_evidence(files: list[UploadedFile]) -> list[CheckedFile]:
    """Return the files as checked evidence, or raise ValidationError saying which file is wrong and why."""
    limit = settings.EVIDENCE_MAX_BYTES
    if len(files) > settings.EVIDENCE_MAX_FILES:
        raise ValidationError(
            _("一次最多上传 %(count)s 个文件，请分次提交或合并为一个PDF。") % {"count": settings.EVIDENCE_MAX_FILES}
        )
    checked = []
    for upload in files:
        name = PurePath(upload.name or "").name
        extension = PurePath(name).suffix.lower()
        if extension not in ALLOWED:
            raise ValidationError(
                _(
                    "“%(name)s”的类型不支持。请上传图片（jpg、png、gif、webp、heic）、PDF 或 Office 文档"
                    "（doc、docx、xls、xlsx、ppt、pptx、wps、et）。"
                )
                % {"name": name}
            )
        if upload.size == 0:
            raise ValidationError(_("“%(name)s”是空文件，请重新选择。") % {"name": name})
        if upload.size > limit:
            raise ValidationError(
                _("“%(name)s”有 %(size)s MB，超过了 %(limit)s MB 的上限。请压缩后再上传。")
                % {"name": name, "size": f"{upload.size / 1024 / 1024:.1f}", "limit": limit // 1024 // 1024}
            )
        content_type, family = ALLOWED[extension]
        upload.seek(0)
        head = upload.read(16)
        if not _signature_matches(family, head, upload):
            raise ValidationError(
                _("“%(name)s”的内容与扩展名%(extension)s不符，文件可能已损坏或被改名。")
                % {"name": name, "extension": extension}
            )
        digest = hashlib.sha256()
        upload.seek(0)
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        checked.append(CheckedFile(upload, name[:200], extension, content_type, upload.size, digest.hexdigest()))
    return checked


def attachment_response(attachment) -> FileResponse:
    """Return an evidence file: images and PDFs shown in the browser, other files downloaded; a lost file is 404."""
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("文件已不存在。")) from exc
    inline = attachment.content_type.startswith("image/") or attachment.content_type == "application/pdf"
    return FileResponse(
        handle, as_attachment=not inline, filename=attachment.original_name, content_type=attachment.content_type
    )
