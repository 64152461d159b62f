"""Harvester for the ministry's sector databases (source type ``molisa_sector_db``).

A source's URL is an SQLAlchemy URL to a PostgreSQL database, read with a
read-only account; its configuration (``sector_db_config``) lists the tables,
views or queries to publish, each as one dataset of type MOLISA-schema ``dataset``
with a CSV resource in the file store and its rows in the DataStore.

* gather: connects once, checks every configured dataset (relation present,
  columns present) and takes its fingerprint (row count and latest
  ``updated_at``, or a checksum of the published rows) together with its
  configuration. Only datasets whose fingerprint differs from the last
  successful import get a harvest object, so a second run changes nothing; a
  dataset whose table was dropped (or that left the configuration) gets a
  withdrawal object.
* fetch: streams the rows with a server-side cursor into a temporary CSV file,
  scanning the values of open datasets for personal data (R4.3).
* import: creates or updates the dataset, uploads the CSV and loads the rows
  into the DataStore in batches; or withdraws the dataset (state ``deleted``).

A record-level dataset whose configuration names ``subject_id`` (the column
with the personal identification number) is indexed as it is loaded: fetch
writes the keyed hash of each row's number beside the CSV (the number itself
never leaves fetch, and need not be a published column), import pairs them
with the rows' DataStore ``_id`` and replaces the resource's entries of the
subject index (``..subjects``); a withdrawal drops the dataset's entries.

Every connection to the source database is written to the audit log
(``molisa_audit_event_create``, channel ``harvest``), with its outcome.
"""
from __future__ import annotations

import contextlib
import csv
import datetime
import functools
import hashlib
import json
import logging
import os
import tempfile
import uuid
from typing import Any

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

import ckan.lib.uploader as uploader
import ckan.plugins.toolkit as tk
from ckan import model
from ckanext.harvest.harvesters.base import HarvesterBase
from ckanext.harvest.model import HarvestObject

from ckanext.molisa import access_levels, personal_data, subjects as subject_keys

from .. import subjects
from . import sector_db_config
from .sector_db_connection import connect, error_text

log = logging.getLogger(__name__)

SOURCE_TYPE = sector_db_config.SOURCE_TYPE
FETCH_ROWS = 2000       # rows per server-side cursor round trip

#: PostgreSQL type OIDs -> (DataStore type, the portal's column type)
PG_TYPES = {
    16: ("bool", "boolean"), 20: ("int8", "integer"), 21: ("int4", "integer"),
    23: ("int4", "integer"), 700: ("float8", "number"), 701: ("float8", "number"),
    1700: ("numeric", "number"), 1082: ("date", "date"), 1114: ("timestamp", "text"),
    1184: ("timestamp", "text"),
}


def _quote(ident: str) -> str:
    return '"' + ident.replace('"', '""') + '"'


def source_sql(ds: dict[str, Any], schema: str) -> str:
    """The FROM item that a dataset reads."""
    if ds["query"]:
        return f"({ds['query']})"
    parts = ds["relation"].split(".")
    if len(parts) == 1:
        parts = [schema] + parts
    return ".".join(_quote(p) for p in parts)


class MolisaSectorDbHarvester(HarvesterBase):
    """Publishes tables, views and queries of a sector database as datasets."""

    # --- IHarvester ------------------------------------------------------------
    def info(self) -> dict[str, str]:
        return {
            "name": SOURCE_TYPE,
            "title": "CSDL chuyên ngành (PostgreSQL) / Sector database",
            "description": tk._("Publishes tables, views and queries of one of the ministry's"
                                " sector databases (read-only PostgreSQL connection)."),
            "form_config_interface": "Text",
        }

    def validate_config(self, config: str | None) -> str | None:
        try:
            sector_db_config.parse(config)
        except sector_db_config.SectorDbConfigError as e:
            raise ValueError(str(e)) from e
        return config

    def gather_stage(self, harvest_job) -> list[str] | None:
        source = harvest_job.source
        try:
            conf = sector_db_config.parse(source.config)
        except sector_db_config.SectorDbConfigError as e:
            self._save_gather_error(f"Invalid configuration: {e}", harvest_job)
            return None
        previous = self._previous(source.id)
        wanted: dict[str, dict[str, Any]] = {}
        errors: dict[str, str] = {}
        try:
            with connect(source, conf, "gather", job_id=harvest_job.id) as conn:
                with conn.cursor() as cur:
                    for ds in conf["datasets"]:
                        try:
                            wanted[ds["name"]] = self._check(cur, ds, conf)
                        except _Missing as e:
                            if ds["name"] not in previous:
                                errors[ds["name"]] = str(e)
                            conn.rollback()
                        except _DatasetError as e:
                            errors[ds["name"]] = str(e)
                            conn.rollback()
        except Exception as e:
            self._save_gather_error(f"Cannot read the sector database: {error_text(e, source.url)}",
                                    harvest_job)
            return None

        ids = []
        for name, spec in wanted.items():
            if previous.get(name, {}).get("fingerprint") == spec["fingerprint"]:
                continue
            ids.append(self._object(harvest_job, name, spec))
        for name, message in errors.items():
            ids.append(self._object(harvest_job, name, {"error": message}))
        for name, prev in previous.items():
            if name not in wanted and name not in errors:
                ids.append(self._object(harvest_job, name, {
                    "withdraw": True, "package_id": prev["package_id"],
                    "reason": "the source table is gone or no longer configured"}))
        log.info("sector_db gather %s: %d of %d datasets changed", source.id, len(ids),
                 len(conf["datasets"]))
        return ids

    def fetch_stage(self, harvest_object) -> bool:
        spec = json.loads(harvest_object.content)
        if spec.get("error"):
            self._save_object_error(spec["error"], harvest_object, "Fetch")
            return False
        if spec.get("withdraw"):
            return True
        source = harvest_object.source
        conf = _parsed(source.config)
        ds = spec["dataset"]
        fd, path = tempfile.mkstemp(prefix="molisa-sector-", suffix=".csv")
        hashes = path + ".subjects" if ds.get("subject_id") else None
        try:
            with connect(source, conf, "fetch", job_id=harvest_object.harvest_job_id,
                               dataset=ds["name"]) as conn:
                fields, count = self._dump(conn, ds, conf, fd, hashes)
        except personal_data.PersonalDataFound as e:
            _remove(path, hashes)
            self._save_object_error(
                f"Dataset {ds['name']}: {e}. Nothing was published.", harvest_object, "Fetch")
            return False
        except Exception as e:
            _remove(path, hashes)
            self._save_object_error(f"Dataset {ds['name']}: cannot read the rows: "
                                    f"{error_text(e, source.url)}", harvest_object, "Fetch")
            return False
        spec["fetched"] = {"path": path, "fields": fields, "rows": count, "subjects": hashes}
        harvest_object.content = json.dumps(spec)
        harvest_object.save()
        return True

    def import_stage(self, harvest_object) -> bool | str:
        spec = json.loads(harvest_object.content)
        context = {"user": self._get_user_name(), "ignore_auth": True}
        if spec.get("withdraw"):
            return self._withdraw(harvest_object, spec, context)
        fetched = spec.pop("fetched", None)
        if not fetched:
            self._save_object_error("Nothing was fetched", harvest_object, "Import")
            return False
        try:
            return self._publish(harvest_object, spec, fetched, context)
        except tk.ValidationError as e:
            self._save_object_error(f"Dataset {spec['dataset']['name']}: invalid: {e.error_dict}",
                                    harvest_object, "Import")
        except Exception as e:
            log.exception("sector_db import failed")
            self._save_object_error(f"Dataset {spec['dataset']['name']}: {e!r}", harvest_object,
                                    "Import")
        finally:
            _remove(fetched["path"], fetched.get("subjects"))
            harvest_object.content = json.dumps(spec)
            harvest_object.save()
        return False

    # --- gather -------------------------------------------------------------------
    @staticmethod
    def _previous(source_id: str) -> dict[str, dict[str, Any]]:
        """What the last successful imports published, by dataset name."""
        rows = (model.Session.query(HarvestObject.guid, HarvestObject.package_id,
                                    HarvestObject.content)
                .join(model.Package, model.Package.id == HarvestObject.package_id)
                .filter(HarvestObject.harvest_source_id == source_id)
                .filter(HarvestObject.current == True)  # noqa: E712
                .filter(HarvestObject.state == "COMPLETE")
                .filter(model.Package.state == "active"))
        out = {}
        for guid, package_id, content in rows:
            spec = json.loads(content or "{}")
            out[guid] = {"package_id": package_id, "fingerprint": spec.get("fingerprint")}
        return out

    @staticmethod
    def _object(job, guid: str, spec: dict[str, Any]) -> str:
        obj = HarvestObject(guid=guid, job=job, content=json.dumps(spec, default=str))
        obj.save()
        return obj.id

    @staticmethod
    def _check(cur, ds: dict[str, Any], conf: dict[str, Any]) -> dict[str, Any]:
        src = source_sql(ds, conf["schema"])
        if ds["relation"]:
            rel = ds["relation"] if "." in ds["relation"] else f"{conf['schema']}.{ds['relation']}"
            cur.execute("SELECT to_regclass(%s)", (rel,))
            if cur.fetchone()[0] is None:
                raise _Missing(f"Dataset {ds['name']}: table or view {rel} does not exist")
        try:
            cur.execute(f"SELECT * FROM {src} AS s LIMIT 0")
        except Exception as e:
            if getattr(e, "pgcode", None) == "42P01":   # undefined_table
                raise _Missing(f"Dataset {ds['name']}: {e}".strip()) from e
            raise _DatasetError(f"Dataset {ds['name']}: the query fails: {e}".strip()) from e
        present = [d.name for d in cur.description]
        missing = [c["name"] for c in ds["columns"] if c["name"] not in present]
        for extra in (ds["updated_at"], ds.get("subject_id"), ds.get("subject_email")):
            if extra and extra not in present:
                missing.append(extra)
        if missing:
            raise _DatasetError(f"Dataset {ds['name']}: column(s) {', '.join(missing)} not found"
                                f" in {ds['relation'] or 'the query'}")
        if ds["updated_at"]:
            cur.execute(f"SELECT count(*), max({_quote(ds['updated_at'])})::text FROM {src} AS s")
            count, stamp = cur.fetchone()
            state = {"rows": count, "updated_at": stamp}
        else:
            cols = ", ".join(_quote(c["name"]) for c in ds["columns"])
            cur.execute(f"SELECT count(*), md5(string_agg(md5(t::text), '' ORDER BY md5(t::text)))"
                        f" FROM (SELECT {cols} FROM {src} AS s) AS t")
            count, checksum = cur.fetchone()
            state = {"rows": count, "checksum": checksum}
        if ds.get("subject_id"):
            # a new subject key re-imports the dataset, and so rebuilds its index
            state["subject_key"] = subject_keys.key_fingerprint()
        digest = hashlib.sha256(json.dumps([ds, state], sort_keys=True, default=str)
                                .encode()).hexdigest()
        return {"dataset": ds, "state": state, "fingerprint": digest}

    # --- fetch --------------------------------------------------------------------
    @staticmethod
    def _dump(conn, ds: dict[str, Any], conf: dict[str, Any], fd: int,
              hashes: str | None = None) -> tuple[list, int]:
        """The rows into the CSV file ``fd``; with ``hashes``, the keyed hash
        of each row's personal identification number into that file, one
        line per row in the CSV's order (empty when the value is not one);
        with ``subject_email``, a tab and the row's e-mail address sealed
        under the person's number (``subject_keys.seal_contact``; empty when
        there is none). The number and the address never reach the file in
        clear."""
        names = [c["name"] for c in ds["columns"]]
        width = len(names)
        cols = ", ".join(_quote(n) for n in names)
        order = ", ".join(str(i + 1) for i in range(len(names)))
        if hashes:
            cols += ", " + _quote(ds["subject_id"])
            if ds.get("subject_email"):
                cols += ", " + _quote(ds["subject_email"])
        scanner = (personal_data.ValueScanner(names)
                   if ds["access_level"] == access_levels.OPEN else None)
        count = 0
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as f, \
                (open(hashes, "w", encoding="ascii") if hashes
                 else contextlib.nullcontext()) as h, \
                conn.cursor(name="molisa_sector_fetch") as cur:
            cur.itersize = FETCH_ROWS
            cur.execute(f"SELECT {cols} FROM {source_sql(ds, conf['schema'])} AS s ORDER BY {order}")
            writer = csv.writer(f)
            writer.writerow(names)
            fields = None
            while True:
                batch = cur.fetchmany(FETCH_ROWS)
                if fields is None:
                    fields = [{"id": d.name, "type": PG_TYPES.get(d.type_code, ("text", "text"))[0],
                               "column_type": PG_TYPES.get(d.type_code, ("text", "text"))[1]}
                              for d in cur.description[:width]]
                if not batch:
                    break
                for row in batch:
                    if h is not None:
                        pid = subject_keys.normalise(row[width])
                        line = subject_keys.subject_hash(pid) if pid else ""
                        if len(row) > width + 1:
                            address = str(row[width + 1] or "").strip()
                            if pid and sector_db_config.is_email(address):
                                line += "\t" + subject_keys.seal_contact(pid, address)
                        h.write(line + "\n")
                        row = row[:width]
                    if scanner:
                        scanner.check(row)
                    writer.writerow(["" if v is None else v for v in row])
                count += len(batch)
        return fields or [], count

    # --- import ------------------------------------------------------------------
    def _existing(self, harvest_object, name: str) -> dict[str, Any] | None:
        prev = (model.Session.query(HarvestObject.package_id)
                .filter(HarvestObject.harvest_source_id == harvest_object.harvest_source_id)
                .filter(HarvestObject.guid == harvest_object.guid)
                .filter(HarvestObject.package_id != None)  # noqa: E711
                .order_by(HarvestObject.gathered.desc()).first())
        ours = prev[0] if prev else None
        try:
            pkg = tk.get_action("package_show")({"ignore_auth": True}, {"id": ours or name})
        except tk.ObjectNotFound:
            return None
        if not ours:
            raise tk.ValidationError({"name": [
                f"the dataset name {name} is used by a dataset that was not harvested from this source"]})
        return pkg

    def _package_dict(self, ds: dict[str, Any], spec: dict[str, Any], source) -> dict[str, Any]:
        stamp = spec["state"].get("updated_at")
        modified = (stamp or datetime.date.today().isoformat())[:10]
        where = ds["relation"] or "query"
        pkg = {
            "type": "dataset",
            "name": ds["name"],
            "title": ds["title"],
            "title_en": ds["title_en"] or "",
            "notes": ds["notes"],
            "notes_en": ds["notes_en"] or "",
            "owner_org": ds["unit"],
            "sector": ds["sector"],
            "access_level": ds["access_level"],
            "personal_data": "true" if ds["personal_data"] else "false",
            "license_id": ds["license_id"],
            "source_system": ds["source_system"] or "",
            "update_frequency": ds["update_frequency"],
            "contact_name": ds["contact_name"],
            "contact_email": ds["contact_email"],
            "legal_basis": ds["legal_basis"] or "",
            "quality_note": ds["quality_note"] or (
                f"Tự động thu thập từ CSDL chuyên ngành ({where}); {spec['state']['rows']} dòng."),
            "modified": modified,
            "tag_string": ",".join(ds["tags"]),
        }
        if ds["province"]:
            pkg["province"] = ds["province"]
        return pkg

    def _resource_dict(self, ds, spec, fetched, source, upload) -> dict[str, Any]:
        name = ds["resource_name"] or f"{ds['name']}.csv"
        columns = [{"name": f["id"], "type": f["column_type"]} for f in fetched["fields"]]
        return {
            "name": name,
            "description": f"{ds['title']} ({fetched['rows']} dòng / rows)",
            "format": "CSV",
            "url": name,
            "upload": upload,
            "columns": json.dumps(columns, ensure_ascii=False),
            "datastore_active": True,
            "harvest_source_table": ds["relation"] or f"query:{ds['name']}",
            "harvest_fingerprint": spec["fingerprint"],
        }

    def _publish(self, harvest_object, spec, fetched, context) -> bool:
        ds = spec["dataset"]
        source = harvest_object.source
        pkg_dict = self._package_dict(ds, spec, source)
        existing = self._existing(harvest_object, ds["name"])
        size = os.path.getsize(fetched["path"])
        with open(fetched["path"], "rb") as f:
            upload = FileStorage(stream=f, filename=f"{ds['name']}.csv", content_type="text/csv")
            res_dict = self._resource_dict(ds, spec, fetched, source, upload)
            res_dict["size"] = size
            if existing is None:
                # one package_create with its resource (one Solr update): the
                # file goes to the file store once the resource has its id; the
                # harvest object is linked first, so the index carries the link
                # (as HarvesterBase._create_or_update_package does).
                upload_handler = uploader.get_resource_uploader(res_dict)
                pkg_dict["id"] = str(uuid.uuid4())
                pkg_dict["resources"] = [res_dict]
                harvest_object.package_id = pkg_dict["id"]
                harvest_object.current = True
                harvest_object.add()
                model.Session.execute(sa.text(
                    "SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
                model.Session.flush()
                pkg = tk.get_action("package_create")(dict(context), pkg_dict)
                res = pkg["resources"][0]
                upload_handler.upload(res["id"], uploader.get_max_resource_size())
                self._make_current(harvest_object, pkg["id"])
                fields_changed = True
            else:
                old = next((r for r in existing.get("resources", [])
                            if r.get("name") == res_dict["name"]), None)
                pkg_dict["id"] = existing["id"]
                pkg_dict["state"] = "active"
                pkg_dict["resources"] = [
                    dict(r) for r in existing.get("resources", []) if not old or r["id"] != old["id"]]
                if old:
                    res_dict["id"] = old["id"]
                pkg_dict["resources"].append(res_dict)
                pkg = tk.get_action("package_update")(dict(context), pkg_dict)
                self._make_current(harvest_object, pkg["id"])
                res = next(r for r in pkg["resources"] if r["name"] == res_dict["name"])
                fields_changed = old is None or self._datastore_fields(res["id"]) != [
                    (f["id"], f["type"]) for f in fetched["fields"]]
        row_ids = self._load_datastore(res["id"], fetched, context, replace=existing is not None,
                                       fields_changed=fields_changed)
        self._index_subjects(pkg["id"], res["id"], fetched, row_ids)
        return True

    @staticmethod
    def _index_subjects(package_id: str, resource_id: str, fetched: dict[str, Any],
                        row_ids: list[int]) -> None:
        """The dataset's entries of the subject index follow what was just
        loaded: the resource's rows paired with their hashes; none for a
        dataset that is (no longer) indexed or for its other resources."""
        hashes = fetched.get("subjects")
        if not hashes:
            subjects.drop_package(package_id)
            model.Session.commit()
            return
        with open(hashes, encoding="ascii") as h:
            digests = [line.rstrip("\n").partition("\t") for line in h]
        if len(digests) != len(row_ids):
            raise RuntimeError(f"the subject index does not match the rows loaded"
                               f" ({len(digests)} hashes, {len(row_ids)} rows)")
        subjects.drop_resources_except(package_id, {resource_id})
        count = subjects.replace(resource_id, package_id,
                                 ((row_id, d, contact or None)
                                  for row_id, (d, _, contact) in zip(row_ids, digests) if d))
        model.Session.commit()
        log.info("sector_db: indexed %d of %d rows of resource %s", count, len(row_ids),
                 resource_id)

    @staticmethod
    def _datastore_fields(resource_id: str) -> list[tuple[str, str]] | None:
        try:
            info = tk.get_action("datastore_info")({"ignore_auth": True}, {"id": resource_id})
        except tk.ObjectNotFound:
            return None
        return [(f["id"], f["type"]) for f in info.get("fields", [])]

    def _make_current(self, harvest_object, package_id: str) -> None:
        model.Session.query(HarvestObject).filter(
            HarvestObject.package_id == package_id).update({"current": False})
        harvest_object.package_id = package_id
        harvest_object.current = True
        harvest_object.save()

    def _load_datastore(self, resource_id, fetched, context, replace: bool,
                        fields_changed: bool) -> list[int]:
        """The DataStore table through ``datastore_create`` (fields, full-text
        trigger, ``datastore_active``), its rows streamed from the CSV file with
        COPY: memory stays bounded and thousands of rows take milliseconds.
        Returns the rows' ``_id`` in the file's order when the dataset is
        indexed (COPY draws them from the table's sequence row by row, in
        order, into a table emptied just before), else []."""
        fields = [{"id": f["id"], "type": f["type"]} for f in fetched["fields"]]
        if replace:
            try:
                # rows only (filters={}) keeps the table and its datastore_active flag
                tk.get_action("datastore_delete")(dict(context), {
                    "resource_id": resource_id, "force": True,
                    **({} if fields_changed else {"filters": {}})})
            except tk.ObjectNotFound:
                pass
        tk.get_action("datastore_create")(dict(context), {
            "resource_id": resource_id, "fields": fields, "records": [], "force": True,
            "calculate_record_count": False})
        from ckanext.datastore.backend.postgres import get_write_engine, identifier
        columns = ", ".join(identifier(f["id"]) for f in fields)
        raw = get_write_engine().raw_connection()
        try:
            with raw.cursor() as cur, open(fetched["path"], encoding="utf-8", newline="") as f:
                cur.copy_expert(f"COPY {identifier(resource_id)} ({columns}) FROM STDIN"
                                " WITH (FORMAT csv, HEADER true)", f, size=1 << 20)
                row_ids: list[int] = []
                if fetched.get("subjects"):
                    cur.execute(f"SELECT _id FROM {identifier(resource_id)} ORDER BY _id")
                    row_ids = [r[0] for r in cur.fetchall()]
                cur.execute(f"ANALYZE {identifier(resource_id)}")
            raw.commit()
        finally:
            raw.close()
        return row_ids

    def _withdraw(self, harvest_object, spec, context) -> bool:
        package_id = spec.get("package_id")
        try:
            tk.get_action("package_delete")(dict(context), {"id": package_id})
        except tk.ObjectNotFound:
            pass
        if package_id:
            subjects.drop_package(package_id)
        model.Session.query(HarvestObject).filter(
            HarvestObject.package_id == package_id).update({"current": False})
        harvest_object.package_id = package_id
        harvest_object.current = False
        harvest_object.save()
        log.info("sector_db: withdrew dataset %s (%s)", harvest_object.guid, spec.get("reason"))
        return True


@functools.lru_cache(maxsize=32)
def _parsed(text: str) -> dict[str, Any]:
    """A source's configuration, parsed once per process (read-only)."""
    return sector_db_config.parse(text)


def _remove(*paths: str | None) -> None:
    for path in paths:
        if path:
            with contextlib.suppress(OSError):
                os.unlink(path)


class _Missing(Exception):
    """The dataset's table or view is gone."""


class _DatasetError(Exception):
    """The dataset cannot be read as configured."""
