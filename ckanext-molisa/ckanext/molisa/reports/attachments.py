"""Files attached to a report (a screenshot, an extract showing the error),
kept under ``<ckan.storage_path>/molisa_report/<report id>/``, limited in
size (``ckanext.molisa.report.attachment_max_mb``) and type
(``ckanext.molisa.report.attachment_formats``). They are served only through
``/report/<id>/attachment/<attachment id>``, after ``molisa_report_show``
has let the user read the report."""
from __future__ import annotations

import hashlib
import os
import uuid
from typing import Any

from werkzeug.utils import secure_filename

import ckan.plugins.toolkit as tk

KEY = "attachments"


def _max_bytes() -> int:
    return int(tk.config.get("ckanext.molisa.report.attachment_max_mb")) * 1024 * 1024


def _allowed() -> set[str]:
    return {e.lower().lstrip(".") for e in tk.aslist(
        tk.config.get("ckanext.molisa.report.attachment_formats"))}


def uploads_in(data_dict: dict) -> list:
    """The uploaded files among the parameters ``attachments`` (one or a
    list) and ``attachments_<n>``."""
    files = []
    for key, value in data_dict.items():
        if key != KEY and not key.startswith(KEY + "_"):
            continue
        for v in value if isinstance(value, list) else [value]:
            if hasattr(v, "filename") and hasattr(v, "stream") and v.filename:
                files.append(v)
    return files


def without_uploads(data_dict: dict) -> dict:
    return {k: v for k, v in data_dict.items() if k != KEY and not k.startswith(KEY + "_")}


def folder(report_id: str) -> str:
    base = tk.config.get("ckan.storage_path")
    if not base:
        raise tk.ValidationError({KEY: [tk._("This portal does not accept files (no storage)")]})
    return os.path.join(base, "molisa_report", report_id)


def check(files: list, allowed: set[str] | None = None, limit: int | None = None,
          key: str = KEY) -> list[tuple[str, bytes, Any]]:
    """Read and check the files: (name, content, mimetype) of each; a file
    of another type, too large or empty is refused per file. ``allowed``
    (extensions) and ``limit`` (bytes) default to the reports' options;
    WikiMolisa passes its own, and its field name as ``key``."""
    errors, prepared = [], []
    allowed = _allowed() if allowed is None else allowed
    limit = _max_bytes() if limit is None else limit
    if len(files) > 5:
        raise tk.ValidationError({key: [tk._("At most 5 files")]})
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
        elif not data:
            errors.append(tk._("{name}: the file is empty").format(name=name))
        else:
            prepared.append((name, data, getattr(upload, "mimetype", None)))
    if errors:
        raise tk.ValidationError({key: errors})
    return prepared


def store(report_id: str, prepared: list[tuple[str, bytes, Any]]) -> list[dict]:
    """Save the checked files; return their descriptions."""
    result = []
    if not prepared:
        return result
    target = folder(report_id)
    os.makedirs(target, exist_ok=True)
    for name, data, mimetype in prepared:
        att_id = str(uuid.uuid4())
        with open(os.path.join(target, att_id), "wb") as out:
            out.write(data)
        result.append({"id": att_id, "name": name, "size": len(data),
                       "sha256": hashlib.sha256(data).hexdigest(),
                       "mimetype": mimetype or "application/octet-stream"})
    return result


def path_of(report_id: str, attachment: dict) -> str:
    return os.path.join(folder(report_id), attachment["id"])
