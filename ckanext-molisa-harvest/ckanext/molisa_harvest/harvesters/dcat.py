"""Harvests a DCAT catalogue (DCAT-AP 2 or 3: the National Data Portal's,
a ministry's, a province's) into the MOLISA schema (R9.2, R12.1):
ckanext-dcat's RDF harvester, with each dataset mapped by
:func:`ckanext.molisa_harvest.mapping.to_molisa` into a MOLISA-schema ``dataset``.
Paging (Hydra), updates by ``dct:identifier``/URI and the withdrawal of
datasets gone from the catalogue are ckanext-dcat's; every connection is
logged in the audit log.

Source config (JSON): ``rdf_format``; ``profiles`` (ckanext-dcat profile
names, default ``ckanext.dcat.rdf.profiles``, which is ``molisa_dcat_ap_3``:
it reads DCAT-AP 2 and 3 catalogues); ``default_unit``, ``defaults``, ``publishers``,
``sectors`` (see mapping.py).
"""
from __future__ import annotations

import json
import logging
import time

from ckan import model
import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.dcat.interfaces import IDCATRDFHarvester
from ckanext.dcat.processors import RDFParser, RDFProfileException

from ckanext.molisa_harvest import connections, mapping

log = logging.getLogger(__name__)

SOURCE_TYPE = "molisa_dcat"


def _options(harvest_job_or_object) -> dict:
    config = harvest_job_or_object.source.config
    return json.loads(config) if config else {}


class MolisaDCATHarvester(DCATRDFHarvester):
    """Plugin ``molisa_dcat_harvester``, source type ``molisa_dcat``."""

    def __new__(cls, *args, **kwargs):
        # A SingletonPlugin keeps its instance in ``cls._instance``, which a
        # subclass inherits: without its own, loading this plugin next to
        # ``dcat_rdf_harvester`` would give back the parent's instance.
        if "_instance" not in cls.__dict__:
            cls._instance = object.__new__(cls)
        return cls._instance

    p.implements(IDCATRDFHarvester, inherit=True)

    def info(self):
        return {
            "name": SOURCE_TYPE,
            "title": tk._("DCAT-AP catalogue (MOLISA schema)"),
            "description": tk._("Harvests a DCAT-AP 2 or 3 catalogue (RDF) into the MOLISA"
                                " dataset schema"),
        }

    def validate_config(self, source_config):
        source_config = super().validate_config(source_config)
        if source_config:
            options = json.loads(source_config)
            if "profiles" in options:
                try:
                    RDFParser(profiles=str(options["profiles"]).split())
                except RDFProfileException as e:
                    raise ValueError(f"profiles: {e}")
            mapping.validate_options(options)
        return source_config

    # -- IDCATRDFHarvester: for this harvester's sources only --------------------
    def after_parsing(self, rdf_parser, harvest_job):
        """The source's profiles, and the portal's dataset type (whose
        scheming schema the profiles read)."""
        if harvest_job.source.type != SOURCE_TYPE:
            return rdf_parser, []
        profiles = _options(harvest_job).get("profiles")
        parser = RDFParser(profiles=str(profiles).split() if profiles else None,
                           dataset_type=tk.config.get("ckan.default.package_type") or "dataset")
        parser.g = rdf_parser.g
        return parser, []

    # -- gather ---------------------------------------------------------------------
    def gather_stage(self, harvest_job):
        started = time.monotonic()
        error, object_ids = None, []
        try:
            object_ids = super().gather_stage(harvest_job) or []
        except Exception as e:
            error = f"{type(e).__name__}: {e}"
            raise
        finally:
            errors = [e.message for e in harvest_job.gather_errors] if not error else []
            connections.record("harvest_gather", harvest_job.source, started=started,
                               error=error or ("; ".join(errors)[:2000] or None),
                               objects=len(object_ids), job_id=harvest_job.id)
        return object_ids

    # -- import ---------------------------------------------------------------------
    def modify_package_dict(self, package_dict, dcat_dict, harvest_object):
        source = harvest_object.source
        source_pkg = model.Package.get(source.id)
        return mapping.to_molisa(package_dict, _options(harvest_object),
                                 source_title=source.title or source.url,
                                 source_unit=source_pkg.owner_org if source_pkg else None)

    def import_stage(self, harvest_object):
        deleting = self._get_object_extra(harvest_object, "status") == "delete"
        try:
            result = super().import_stage(harvest_object)
        except Exception as e:  # a bad record must not stop the fetch consumer
            log.exception("import of %s failed", harvest_object.guid)
            self._save_object_error(f"{type(e).__name__}: {e}", harvest_object, "Import")
            result = False
        errors = [e.message for e in harvest_object.errors]
        package = model.Package.get(harvest_object.package_id) if harvest_object.package_id else None
        connections.record(
            "harvest_withdraw" if deleting else "harvest_import", harvest_object.source,
            datasets=[harvest_object.package_id] if harvest_object.package_id else [],
            organizations=[package.owner_org] if package is not None else [],
            error="; ".join(errors)[:2000] if result is False else None,
            guid=harvest_object.guid)
        return result
