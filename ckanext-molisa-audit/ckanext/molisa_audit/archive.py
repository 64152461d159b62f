"""``ckan molisa-audit archive``: whole monthly partitions older than the
retention period go to compressed files with a checksum manifest, are read
back and counted, and only then dropped. A younger partition is refused.
Plugins that keep records beside the log (``IMolisaAudit.molisa_audit_archive``:
harvest's subject-access records) remove theirs of the same age in the same
run."""
from __future__ import annotations

import datetime
import gzip
import hashlib
import json
import os
from typing import Any

import ckan.plugins as plugins
import ckan.plugins.toolkit as tk
from . import db, partitions, recorder
from .interfaces import IMolisaAudit
from .model import ARCHIVE, SCHEMA

MIN_RETENTION_MONTHS = 24


def retention_months() -> int:
    return int(tk.config.get("ckanext.molisa_audit.retention_months"))


def archive_dir() -> str:
    return recorder.audit_dir("archive")


def eligible(end: datetime.datetime, now: datetime.datetime) -> bool:
    """A partition may go once its newest possible event is retention-old."""
    return partitions.add_months(end, retention_months()) <= now


def archive(partition: str | None = None, now: datetime.datetime | None = None,
            dry_run: bool = False) -> dict[str, Any]:
    now = now or datetime.datetime.now(datetime.timezone.utc)
    conn = db.admin_connection()
    done, kept = [], []
    try:
        cur = conn.cursor()
        existing = partitions.existing(cur)
        if partition is not None:
            match = [p for p in existing if p[0] == partition]
            if not match:
                raise tk.ValidationError({"partition": [tk._("No such partition: %s") % partition]})
            if not eligible(match[0][2], now):
                raise tk.ValidationError({"partition": [tk._(
                    "%(name)s holds events younger than the retention period of %(months)d "
                    "months; it cannot be archived before %(date)s.") % {
                        "name": partition, "months": retention_months(),
                        "date": partitions.add_months(match[0][2], retention_months()).date()}]})
            existing = match
        directory = archive_dir()
        os.makedirs(directory, mode=0o700, exist_ok=True)
        for name, start, end in existing:
            if not eligible(end, now):
                kept.append(name)
                continue
            if dry_run:
                done.append({"partition": name})
                continue
            done.append(_archive_one(conn, cur, directory, name, start, end))
    finally:
        conn.close()
    others: dict[str, Any] = {}
    if partition is None:
        # the records other plugins keep beside the log, with the same retention
        cutoff = partitions.add_months(partitions.month_start(now), -retention_months())
        for plugin in plugins.PluginImplementations(IMolisaAudit):
            others.update(plugin.molisa_audit_archive(cutoff, dry_run) or {})
    return {"archived": done, "kept": kept, "others": others}


def _archive_one(conn, cur, directory, name, start, end) -> dict[str, Any]:
    path = os.path.join(directory, f"{name}.jsonl.gz")
    tmp = path + ".tmp"
    count = 0
    digest = hashlib.sha256()
    with gzip.open(tmp, "wt", encoding="utf-8") as out:
        named = conn.cursor(name=f"archive_{name}")
        named.itersize = 5000
        named.execute(f"SELECT row_to_json(e)::text FROM {SCHEMA}.{name} e ORDER BY batch_id, seq")
        for (line,) in named:
            out.write(line + "\n")
            count += 1
        named.close()
    with open(tmp, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    # read back before anything is dropped
    with gzip.open(tmp, "rt", encoding="utf-8") as f:
        if sum(1 for _ in f) != count:
            raise RuntimeError(f"archive of {name} did not read back whole")
    os.replace(tmp, path)
    manifest = {"partition": name, "range_start": start.isoformat(), "range_end": end.isoformat(),
                "events": count, "file": os.path.basename(path), "sha256": digest.hexdigest(),
                "archived": datetime.datetime.now(datetime.timezone.utc).isoformat()}
    with open(os.path.join(directory, f"{name}.manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    with open(os.path.join(directory, "SHA256SUMS"), "a") as f:
        f.write(f"{digest.hexdigest()}  {os.path.basename(path)}\n")
        f.flush()
        os.fsync(f.fileno())
    cur.execute(f"INSERT INTO {ARCHIVE} (partition, range_start, range_end, event_count,"
                " file, sha256) VALUES (%s, %s, %s, %s, %s, %s)",
                (name, start, end, count, path, digest.hexdigest()))
    cur.execute(f"ALTER TABLE {partitions.QUALIFIED_PARENT} DETACH PARTITION {SCHEMA}.{name}")
    cur.execute(f"DROP TABLE {SCHEMA}.{name}")
    conn.commit()
    partitions.forget()
    return manifest
