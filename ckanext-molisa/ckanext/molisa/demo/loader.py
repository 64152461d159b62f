"""Loads the demo catalogue through CKAN's actions: each dataset with its CSV
resources uploaded to the file store and, optionally, loaded into the DataStore."""
from __future__ import annotations

import io
import json
import logging
from typing import Any

from werkzeug.datastructures import FileStorage

import ckan.plugins.toolkit as tk

from . import catalogue

log = logging.getLogger(__name__)

#: DataStore column types for the demo's column types.
DATASTORE_TYPES = {"text": "text", "integer": "int", "number": "numeric", "date": "date"}


def _fresh(context: dict[str, Any]) -> dict[str, Any]:
    return {"user": context.get("user"), "ignore_auth": context.get("ignore_auth", False)}


def load(context: dict[str, Any], limit: int | None = None,
         with_datastore: bool = True) -> dict[str, list[str]]:
    created, skipped = [], []
    items = catalogue.demo_datasets()
    if limit is not None:
        items = items[:limit]
    for item in items:
        dataset = item["dataset"]
        try:
            tk.get_action("package_show")(_fresh(context), {"id": dataset["name"]})
            skipped.append(dataset["name"])
            continue
        except tk.ObjectNotFound:
            pass
        pkg = tk.get_action("package_create")(_fresh(context), dict(dataset, type="dataset"))
        for resource in item["resources"]:
            _add_resource(context, pkg["id"], resource, with_datastore)
        created.append(pkg["name"])
        log.info("demo dataset %s loaded", pkg["name"])
    return {"created": created, "skipped": skipped}


def _add_resource(context, package_id: str, resource: dict[str, Any], with_datastore: bool) -> None:
    body = catalogue.csv_bytes(resource)
    upload = FileStorage(stream=io.BytesIO(body), filename=resource["name"],
                         content_type="text/csv")
    res = tk.get_action("resource_create")(_fresh(context), {
        "package_id": package_id,
        "name": resource["name"],
        "description": resource.get("description", ""),
        "format": resource.get("format", "CSV"),
        "size": len(body),
        "columns": json.dumps(resource["columns"], ensure_ascii=False),
        "upload": upload,
        "url": resource["name"],
    })
    if not with_datastore:
        return
    fields = [{"id": c["name"], "type": DATASTORE_TYPES.get(c["type"], "text")}
              for c in resource["columns"]]
    names = [c["name"] for c in resource["columns"]]
    records = [dict(zip(names, row)) for row in resource["rows"]]
    tk.get_action("datastore_create")(_fresh(context), {
        "resource_id": res["id"],
        "fields": fields,
        "records": records,
        "force": True,
    })
