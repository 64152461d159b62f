"""The MOLISA DCAT-AP profiles (R9.2): ckanext-dcat's DCAT-AP 2 and 3
profiles plus the MOLISA schema's fields, in both directions.

Out (the catalogue the National Data Portal harvests: ``/catalog.ttl``,
``.rdf``, ``.jsonld``, ``/dataset/<name>.ttl``):

- ``dct:title`` and ``dct:description`` as language-tagged literals, ``@vi``
  from ``title``/``notes`` and ``@en`` from ``title_en``/``notes_en``;
- the sector as ``dcat:theme`` (the EU data theme that
  ``mapping/themes.json`` gives it) and ``molisa:sector``;
- the access level as ``dct:accessRights`` (EU access-right table) and
  ``molisa:accessLevel``; the update frequency as ``dct:accrualPeriodicity``;
  provinces as ``molisa:province``; the unit as ``molisa:unit`` and, when no
  publisher is given, ``dct:publisher``.

Download URLs are not this module's business: a dataset's data is withheld
from users without access by ckanext-molisa-sharing before any profile sees
the dataset, and ``ckanext.molisa_harvest.dcat.restricted = hide`` keeps
non-open datasets out of the catalogue (``logic/dcat.py``).

In (the harvester, ``harvesters/dcat.py``): the same properties read back,
so that a MOLISA-like portal round-trips; ``mapping.py`` does the rest.

ckanext-dcat's processors build profiles for the dataset type ``dataset``,
which the portal's scheming set-up does not have (``molisa_dataset`` is
the default type): these profiles use the portal's default type instead.
"""
from __future__ import annotations

from typing import Any

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

import ckan.plugins.toolkit as tk

from ckanext.dcat.profiles import EuropeanDCATAP2Profile, EuropeanDCATAP3Profile
from ckanext.dcat.profiles.base import DCAT

from ckanext.molisa import codelists
from ckanext.molisa_harvest import mapping

MOLISA = Namespace("https://data.molisa.gov.vn/ns/dcat#")
EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"


class _MolisaFields:
    """What the MOLISA profiles add to a DCAT-AP profile."""

    def __init__(self, graph, dataset_type="dataset", compatibility_mode=False):
        if dataset_type == "dataset":
            dataset_type = tk.config.get("ckan.default.package_type") or "dataset"
        super().__init__(graph, dataset_type=dataset_type, compatibility_mode=compatibility_mode)
        self.g.bind("molisa", MOLISA)

    # -- in ---------------------------------------------------------------------
    def parse_dataset(self, dataset_dict, dataset_ref):
        dataset_dict = super().parse_dataset(dataset_dict, dataset_ref)
        for predicate, vi_key, en_key in ((DCTERMS.title, "title", "title_en"),
                                          (DCTERMS.description, "notes", "notes_en")):
            for literal in self.g.objects(dataset_ref, predicate):
                if not isinstance(literal, Literal):
                    continue
                if literal.language == "vi":
                    dataset_dict[vi_key] = str(literal)
                elif literal.language == "en":
                    dataset_dict[en_key] = str(literal)
        for key, predicate in (("sector", MOLISA.sector), ("access_level", MOLISA.accessLevel),
                               ("update_frequency", MOLISA.updateFrequency),
                               ("unit", MOLISA.unit)):
            found = self._object_value(dataset_ref, predicate)
            if found:
                dataset_dict[key] = found
        provinces = [str(o) for o in self.g.objects(dataset_ref, MOLISA.province)]
        if provinces:
            dataset_dict["province"] = sorted(provinces)
        return dataset_dict

    # -- out ----------------------------------------------------------------------
    def graph_from_dataset(self, dataset_dict, dataset_ref):
        super().graph_from_dataset(dataset_dict, dataset_ref)
        g = self.g
        for predicate, vi_key, en_key in ((DCTERMS.title, "title", "title_en"),
                                          (DCTERMS.description, "notes", "notes_en")):
            if dataset_dict.get(vi_key):
                g.remove((dataset_ref, predicate, None))
                g.add((dataset_ref, predicate, Literal(dataset_dict[vi_key], lang="vi")))
            if dataset_dict.get(en_key):
                g.add((dataset_ref, predicate, Literal(dataset_dict[en_key], lang="en")))

        sector = dataset_dict.get("sector")
        if sector:
            g.add((dataset_ref, MOLISA.sector, Literal(sector)))
            theme = mapping.table("themes")["sector_eu_theme"].get(sector)
            if theme:
                g.add((dataset_ref, DCAT.theme,
                       URIRef(mapping.table("themes")["eu_theme_base"] + theme)))

        level = dataset_dict.get("access_level")
        if level:
            g.add((dataset_ref, MOLISA.accessLevel, Literal(level)))
            right = mapping.table("defaults")["level_access_right"].get(level, "NON_PUBLIC")
            g.remove((dataset_ref, DCTERMS.accessRights, None))
            g.add((dataset_ref, DCTERMS.accessRights, URIRef(EU_ACCESS_RIGHT + right)))

        frequency = dataset_dict.get("update_frequency")
        if frequency:
            g.add((dataset_ref, MOLISA.updateFrequency, Literal(frequency)))
            for item in codelists.items("update_frequencies"):
                if item["value"] == frequency and item.get("dcat"):
                    g.remove((dataset_ref, DCTERMS.accrualPeriodicity, None))
                    g.add((dataset_ref, DCTERMS.accrualPeriodicity, URIRef(item["dcat"])))

        for province in dataset_dict.get("province") or []:
            g.add((dataset_ref, MOLISA.province, Literal(province)))

        organization = dataset_dict.get("organization") or {}
        if organization.get("name"):
            g.add((dataset_ref, MOLISA.unit, Literal(organization["name"])))
            if not any(g.objects(dataset_ref, DCTERMS.publisher)):
                self._add_unit_publisher(dataset_ref, organization)

    def _add_unit_publisher(self, dataset_ref, organization: dict[str, Any]) -> None:
        site = tk.config.get("ckan.site_url", "").rstrip("/")
        publisher = URIRef(f"{site}/organization/{organization['name']}")
        self.g.add((dataset_ref, DCTERMS.publisher, publisher))
        self.g.add((publisher, RDF.type, FOAF.Organization))
        self.g.add((publisher, FOAF.name, Literal(organization.get("title") or organization["name"],
                                                  lang="vi")))


class MolisaDCATAPProfile(_MolisaFields, EuropeanDCATAP2Profile):
    """``molisa_dcat_ap``: DCAT-AP 2 with the MOLISA fields."""


class MolisaDCATAP3Profile(_MolisaFields, EuropeanDCATAP3Profile):
    """``molisa_dcat_ap_3``: DCAT-AP 3 with the MOLISA fields."""
