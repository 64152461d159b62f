"""Harvests another CKAN portal (the National Data Portal, a ministry's or a
province's) into the MOLISA schema (R9.2, R12.1): ckanext-harvest's CKAN
harvester, with

- each remote dataset mapped by :func:`ckanext.molisa_harvest.mapping.to_molisa`
  and stored as a MOLISA-schema ``dataset`` through the schema's own validation
  (the stock harvester forces CKAN's default schema, which would drop the
  MOLISA fields);
- datasets that are gone from the source withdrawn here (deleted) on the
  next run, which the stock CKAN harvester does not do;
- every connection logged in the audit log.

Source config (JSON), besides the stock harvester's options
(``organizations_filter_include``, ``api_key``, ``force_all``...):
``default_unit``, ``defaults``, ``publishers``, ``sectors`` (see mapping.py).
"""
from __future__ import annotations

import datetime
import json
import logging
import time
import uuid
from typing import Any, Iterator, Optional
from urllib.parse import urlencode

import sqlalchemy as sa

from ckan import model
import ckan.plugins.toolkit as tk

from ckanext.harvest.harvesters.ckanharvester import (CKANHarvester, ContentFetchError,
                                                      SearchError)
from ckanext.harvest.model import HarvestObject, HarvestObjectExtra

from ckanext.molisa_harvest import connections, mapping

log = logging.getLogger(__name__)

PAGE_ROWS = 100     # datasets per remote search page, as the stock harvester asks


class MolisaCKANHarvester(CKANHarvester):
    """Plugin ``molisa_ckan_harvester``, source type ``molisa_ckan``."""

    def __new__(cls, *args, **kwargs):
        # A SingletonPlugin keeps its instance in ``cls._instance``, which a
        # subclass inherits: without its own, loading this plugin next to
        # ``ckan_harvester`` would give back the parent's instance.
        if "_instance" not in cls.__dict__:
            cls._instance = object.__new__(cls)
        return cls._instance

    def info(self):
        return {
            "name": "molisa_ckan",
            "title": tk._("CKAN portal (MOLISA schema)"),
            "description": tk._("Harvests another CKAN portal (National Data Portal, ministries,"
                                " provinces) into the MOLISA dataset schema"),
            "form_config_interface": "Text",
        }

    def validate_config(self, config):
        config = super().validate_config(config)
        if config:
            mapping.validate_options(json.loads(config))
        return config

    # -- gather: the remote catalogue, and what disappeared from it ---------------
    def gather_stage(self, harvest_job):
        """The stock gather (everything, or only what changed since the last
        error-free run; the same filters), streamed: each page of the remote
        search becomes harvest objects before the next page is read, so
        memory does not grow with the size of the source. Then a withdrawal
        object for each dataset the source no longer lists."""
        started = time.monotonic()
        source = harvest_job.source
        self._set_config(source.config)
        base_url = source.url.rstrip("/")
        error = None
        object_ids: list[str] | None = []
        try:
            object_ids = self._gather_changed(harvest_job, base_url)
            if object_ids is not None:
                remote_ids = self._remote_ids(base_url)
                if remote_ids is not None:
                    object_ids += self._withdrawals(remote_ids, harvest_job)
        except Exception as e:  # logged, then as the stock harvester would
            error = f"{type(e).__name__}: {e}"
            raise
        finally:
            connections.record("harvest_gather", source, started=started, error=error,
                               objects=len(object_ids or []), job_id=harvest_job.id)
        return object_ids

    def _gather_changed(self, harvest_job, base_url: str) -> list[str] | None:
        fq_terms = _required(self._fq_terms())
        seen: set[str] = set()
        object_ids: list[str] = []
        last = self.last_error_free_job(harvest_job)
        if last and not self.config.get("force_all", False):
            since = (last.gather_started - datetime.timedelta(hours=1)).isoformat()
            try:
                self._objects_from(self._pages(base_url, fq_terms + [
                    f"metadata_modified:[{since}Z TO *]"]), harvest_job, seen, object_ids)
                return object_ids
            except SearchError as e:
                log.info("Searching for datasets changed since last time gave an error: %s", e)
        try:
            self._objects_from(self._pages(base_url, fq_terms), harvest_job, seen, object_ids)
        except SearchError as e:
            # nothing of a failed gather stays behind to be fetched
            model.Session.rollback()
            model.Session.query(HarvestObject).filter(
                HarvestObject.harvest_job_id == harvest_job.id).delete(synchronize_session=False)
            model.Session.commit()
            self._save_gather_error(f"Unable to search remote CKAN for datasets: {e}"
                                    f" url: {base_url} terms: {fq_terms}", harvest_job)
            return None
        if not object_ids:
            self._save_gather_error(f"No datasets found at CKAN: {base_url}", harvest_job)
        return object_ids

    @staticmethod
    def _objects_from(pages, harvest_job, seen: set[str], object_ids: list[str]) -> None:
        """One harvest object per remote dataset (a dataset seen on an
        earlier page, moved while paging, is skipped), committed page by page."""
        for page in pages:
            for pkg in page:
                if pkg["id"] in seen:
                    continue
                seen.add(pkg["id"])
                obj = HarvestObject(id=str(uuid.uuid4()), guid=pkg["id"], job=harvest_job,
                                    source=harvest_job.source, content=json.dumps(pkg))
                model.Session.add(obj)
                object_ids.append(obj.id)
            model.Session.commit()   # the page's objects expire: only their ids stay

    def _pages(self, base_url: str, fq_terms: list[str], rows: int = PAGE_ROWS,
               fl: str | None = None) -> Iterator[list[dict]]:
        """The remote ``package_search``, one page of datasets at a time
        (sorted by id, as the stock harvester pages; ``fl``: only those fields)."""
        params: dict[str, Any] = {"rows": rows, "start": 0, "sort": "id asc"}
        if fl:
            params["fl"] = fl
        if fq_terms:
            params["fq"] = " ".join(fq_terms)
        previous = None
        while True:
            url = f"{base_url}{self._get_search_api_offset()}?{urlencode(params)}"
            try:
                content = self._get_content(url)
            except ContentFetchError as e:
                raise SearchError(f"Error sending request to search remote CKAN instance"
                                  f" {base_url} using URL {url!r}. Error: {e}") from e
            if previous is not None and content == previous:
                raise SearchError(f"The paging doesn't seem to work. URL: {url}")
            previous = content
            try:
                page = json.loads(content)["result"]["results"]
            except (ValueError, KeyError, TypeError) as e:
                raise SearchError(f"Response from remote CKAN was not a search result:"
                                  f" {content[:200]!r}") from e
            page = [p for p in page if isinstance(p, dict) and p.get("id")]
            if not page:
                return
            yield page
            params["start"] += rows

    def _fq_terms(self) -> list[str]:
        """The stock harvester's organization and group filters."""
        terms = []
        include = self.config.get("organizations_filter_include", [])
        exclude = self.config.get("organizations_filter_exclude", [])
        if include:
            terms.append(" OR ".join(f"organization:{o}" for o in include))
        else:
            terms.extend(f"-organization:{o}" for o in exclude)
        include = self.config.get("groups_filter_include", [])
        exclude = self.config.get("groups_filter_exclude", [])
        if include:
            terms.append(" OR ".join(f"groups:{g}" for g in include))
        else:
            terms.extend(f"-groups:{g}" for g in exclude)
        return terms

    def _remote_ids(self, base_url: str) -> Optional[set[str]]:
        """Every dataset id the source lists now (only ids, 1,000 a page), or
        None when the listing failed: then nothing is withdrawn."""
        try:
            return {p["id"] for page in self._pages(base_url, _required(self._fq_terms()),
                                                    rows=1000, fl="id") for p in page}
        except SearchError as e:
            log.warning("could not list the datasets of %s: %s", base_url, e)
            return None

    def _withdrawals(self, remote_ids: set[str], harvest_job) -> list[str]:
        """Harvest objects, flagged ``delete``, for the datasets harvested
        from this source that the source no longer lists (as ckanext-dcat's
        RDF harvester does)."""
        current = model.Session.query(HarvestObject.guid, HarvestObject.package_id).filter(
            HarvestObject.current == True,  # noqa: E712
            HarvestObject.harvest_source_id == harvest_job.source.id)
        ids = []
        for guid, package_id in current:
            if guid in remote_ids or not package_id:
                continue
            model.Session.query(HarvestObject).filter_by(guid=guid).update(
                {"current": False}, False)
            obj = HarvestObject(guid=guid, job=harvest_job, package_id=package_id,
                                extras=[HarvestObjectExtra(key="status", value="delete")])
            obj.save()
            ids.append(obj.id)
        return ids

    # -- import ---------------------------------------------------------------------
    def import_stage(self, harvest_object):
        status = next((e.value for e in harvest_object.extras if e.key == "status"), None)
        try:
            if status == "delete":
                return self._withdraw(harvest_object)
            return super().import_stage(harvest_object)
        except Exception as e:  # a bad record must not stop the fetch consumer
            log.exception("import of %s failed", harvest_object.guid)
            model.Session.rollback()
            self._save_object_error(f"{type(e).__name__}: {e}", harvest_object, "Import")
            return False

    def _withdraw(self, harvest_object) -> bool:
        context = {"user": self._get_user_name(), "ignore_auth": True}
        try:
            tk.get_action("package_delete")(context, {"id": harvest_object.package_id})
        except tk.ObjectNotFound:
            pass
        model.Session.commit()
        connections.record("harvest_withdraw", harvest_object.source,
                           datasets=[harvest_object.package_id], guid=harvest_object.guid)
        return True

    def modify_package_dict(self, package_dict, harvest_object):
        remote = json.loads(harvest_object.content)
        source = harvest_object.source
        source_pkg = model.Package.get(source.id)
        dataset = mapping.to_molisa(remote, self.config, source_title=source.title or source.url,
                                    source_unit=source_pkg.owner_org if source_pkg else None)
        dataset["id"] = remote["id"]
        return dataset

    def _create_or_update_package(self, package_dict, harvest_object,
                                  package_dict_form="package_show"):
        """Creates or updates the local dataset through the MOLISA schema
        (no ``schema`` in the context), keeping the remote id."""
        context = {"user": self._get_user_name(), "ignore_auth": True}
        try:
            existing = tk.get_action("package_show")(dict(context), {"id": package_dict["id"]})
        except tk.ObjectNotFound:
            existing = None
        try:
            if existing is None:
                package_dict["name"] = self._gen_new_name(package_dict.get("name")
                                                          or package_dict["title"])
                harvest_object.package_id = package_dict["id"]
                harvest_object.current = True
                harvest_object.add()
                model.Session.execute(sa.text(  # the object points at it before it exists
                    "SET CONSTRAINTS harvest_object_package_id_fkey DEFERRED"))
                model.Session.flush()
                result = tk.get_action("package_create")(dict(context), package_dict)
                action = "harvest_create"
            else:
                package_dict["name"] = existing["name"]
                package_dict["state"] = "active"   # back at the source: back here
                result = tk.get_action("package_update")(dict(context), package_dict)
                model.Session.query(HarvestObject).filter(
                    HarvestObject.package_id == result["id"]).update({"current": False})
                harvest_object.package_id = result["id"]
                harvest_object.current = True
                harvest_object.save()
                action = "harvest_update"
            model.Session.commit()
        except tk.ValidationError as e:
            model.Session.rollback()
            self._save_object_error(f"Invalid dataset {harvest_object.guid}: {e.error_dict}",
                                    harvest_object, "Import")
            connections.record("harvest_import", harvest_object.source,
                               error=f"invalid: {e.error_dict}", guid=harvest_object.guid)
            return False
        connections.record(action, harvest_object.source, datasets=[result["id"]],
                           organizations=[result.get("owner_org")], guid=harvest_object.guid)
        return True


def _required(fq_terms):
    return [t if t.startswith(("-", "+")) else f"+({t})" for t in fq_terms or []]
