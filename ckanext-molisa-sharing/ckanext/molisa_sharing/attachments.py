"""Technical documents attached to a request (when an outside system will
connect), kept under ``<ckan.storage_path>/molisa_sharing/<request id>/``.
Only the request's applicant and reviewers may read them (the view checks
``molisa_sharing_request_show``)."""
from __future__ import annotations

import hashlib
import os
import uuid
from typing import Any

from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename

import ckan.plugins.toolkit as tk

from ckanext.molisa_sharing.model import now

KEY = "attachments"


def _max_bytes() -> int:
    return int(tk.config.get("ckanext.molisa_sharing.attachment_max_mb") or 10) * 1024 * 1024


def _allowed() -> set[str]:
    return {e.lower().lstrip(".") for e in tk.aslist(
        tk.config.get("ckanext.molisa_sharing.attachment_formats")
        or "pdf doc docx odt xls xlsx ods txt zip png jpg jpeg")}


def _is_upload(value: Any) -> bool:
    return isinstance(value, FileStorage) or (hasattr(value, "filename") and hasattr(
        value, "stream"))


def uploads_in(data_dict: dict) -> list:
    """The uploaded files of a request's parameters: ``attachments`` (one or
    a list) and ``attachments_<n>`` (the API's multipart form gives one file
    per field name)."""
    files = []
    for key, value in data_dict.items():
        if key != KEY and not key.startswith(KEY + "_"):
            continue
        values = value if isinstance(value, list) else [value]
        files.extend(v for v in values if _is_upload(v) and v.filename)
    return files


def without_uploads(data_dict: dict) -> dict:
    return {k: v for k, v in data_dict.items()
            if k != KEY and not k.startswith(KEY + "_")}


def folder(request_id: str) -> str:
    base = tk.config.get("ckan.storage_path")
    if not base:
        raise tk.ValidationError({KEY: [tk._("This portal does not accept files (no storage)")]})
    return os.path.join(base, "molisa_sharing", request_id)


def store(request_id: str, files: list, existing: list[dict]) -> list[dict]:
    """Check and save the files; return the request's attachment list."""
    errors = []
    allowed = _allowed()
    limit = _max_bytes()
    prepared = []
    for upload in files:
        name = secure_filename(upload.filename or "") or "file"
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if ext not in allowed:
            errors.append(tk._("{name}: files of this type are not accepted ({formats})").format(
                name=name, formats=", ".join(sorted(allowed))))
            continue
        data = upload.stream.read(limit + 1)
        if len(data) > limit:
            errors.append(tk._("{name}: larger than {mb} MB").format(
                name=name, mb=limit // (1024 * 1024)))
            continue
        if not data:
            errors.append(tk._("{name}: the file is empty").format(name=name))
            continue
        prepared.append((name, data, getattr(upload, "mimetype", None)))
    if errors:
        raise tk.ValidationError({KEY: errors})
    result = list(existing)
    if not prepared:
        return result
    target = folder(request_id)
    os.makedirs(target, exist_ok=True)
    for name, data, mimetype in prepared:
        att_id = str(uuid.uuid4())
        path = os.path.join(target, att_id)
        with open(path, "wb") as out:
            out.write(data)
        result.append({"id": att_id, "name": name, "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest(),
                       "mimetype": mimetype or "application/octet-stream",
                       "uploaded": now().isoformat()})
    return result


def path_of(request_id: str, attachment: dict) -> str:
    return os.path.join(folder(request_id), attachment["id"])
