"""Files the emulator holds: user uploads, bot uploads, and what getFile / downloads serve.

A file gets a file_id (reusable in send* calls), a file_unique_id and a file_path under which
`GET /file/bot<token>/<file_path>` serves its bytes, as Telegram does.
"""

from __future__ import annotations

import itertools
import mimetypes
import secrets
import struct
from typing import Any

from bot.emulator.params import APIError, UploadedFile, bad_request, require, resolve_attach
from bot.emulator.state import StoredFile

MAX_UPLOAD = 50 * 1024 * 1024  # what a bot may upload
MAX_DOWNLOAD = 20 * 1024 * 1024  # what getFile lets a bot download
_PREFIX = {"photo": "AgACAgUAAxkBAAI", "document": "BQACAgUAAxkBAAI", "sticker": "CAACAgIAAxkBAAI"}
_FOLDER = {"photo": "photos", "document": "documents", "sticker": "stickers"}


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG, else None."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker == 0xFF:
                i += 1
                continue
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width, height
            i += 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
    return None


class FileStore:
    def __init__(self) -> None:
        self.by_id: dict[str, StoredFile] = {}
        self.by_path: dict[str, StoredFile] = {}
        self._ids = itertools.count(1)

    def get(self, file_id: str) -> StoredFile | None:
        return self.by_id.get(file_id)

    def __len__(self) -> int:
        return len(self.by_id)

    def store(self, kind: str, data: bytes, filename: str | None = None,
              mime_type: str | None = None) -> StoredFile:
        n = next(self._ids)
        ext = {"photo": ".jpg", "sticker": ".webp"}.get(kind, "")
        if kind == "document":
            ext = ("." + filename.rsplit(".", 1)[1]) if filename and "." in filename else ""
            mime_type = mime_type or mimetypes.guess_type(filename or "")[0]
            mime_type = mime_type or "application/octet-stream"
        size = image_size(data) if kind == "photo" else None
        f = StoredFile(
            file_id=_PREFIX[kind] + secrets.token_urlsafe(30),
            file_unique_id="AgAD" + secrets.token_urlsafe(9),
            kind=kind,
            data=bytes(data),
            file_path=f"{_FOLDER[kind]}/file_{n}{ext}",
            filename=filename if kind == "document" else None,
            mime_type=mime_type if kind == "document" else None,
            width=size[0] if size else 1280,
            height=size[1] if size else 960,
        )
        self.by_id[f.file_id] = f
        self.by_path[f.file_path] = f
        return f

    def from_param(self, params: dict[str, Any], name: str, kind: str) -> StoredFile:
        """A file given by upload, by file_id, or (refused here: no internet) by URL."""
        value = resolve_attach(params, require(params, name))
        if isinstance(value, UploadedFile):
            if len(value.data) > MAX_UPLOAD:
                raise APIError(413, "Request Entity Too Large")
            mime = value.content_type if kind == "document" else None
            return self.store(kind, value.data, value.filename, mime)
        if isinstance(value, str):
            known = self.by_id.get(value)
            if known is not None:
                return known
            if value.startswith(("http://", "https://")):
                raise bad_request("failed to get HTTP URL content")
        raise bad_request("wrong file identifier/HTTP URL specified")
