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

A dataset's data is withheld from users without access by
ckanext-molisa-sharing before any profile sees the dataset (its restricted
resources carry only what identifies and describes them, marked
``data_access: restricted``); for such a distribution, ``dcat:accessURL`` is
the page where one applies for the data, never the data, and there is no
``dcat:downloadURL``. ``ckanext.molisa_harvest.dcat.restricted = hide`` keeps
non-open datasets out of the catalogue (``logic/dcat.py``).

In (the harvester, ``harvesters/dcat.py``): the same properties read back,
so that a MOLISA-like portal round-trips; ``mapping.py`` does the rest.
"""
from __future__ import annotations

from typing import Any

from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF

import ckan.plugins.toolkit as tk

from ckanext.dcat.profiles import EuropeanDCATAP2Profile, EuropeanDCATAP3Profile
from ckanext.dcat.profiles.base import DCAT
from ckanext.dcat.utils import resource_uri

from ckanext.molisa import codelists
from ckanext.molisa_harvest import mapping

MOLISA = Namespace("https://data.molisa.gov.vn/ns/dcat#")
EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"


class _MolisaFields:
    """What the MOLISA profiles add to a DCAT-AP profile."""

    def __init__(self, graph, dataset_type="dataset", compatibility_mode=False):
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

        for resource in dataset_dict.get("resources") or []:
            if resource.get("data_access") == "restricted":
                self._restricted_distribution(dataset_dict, resource)

    def _restricted_distribution(self, dataset_dict: dict, resource: dict) -> None:
        """A distribution whose data the reader may not get: its access URL is
        the page where one applies for it."""
        distribution = URIRef(resource_uri(dict(resource, package_id=dataset_dict.get("id"))))
        for predicate in (DCAT.accessURL, DCAT.downloadURL):
            self.g.remove((distribution, predicate, None))
        self.g.add((distribution, DCAT.accessURL, URIRef(request_page(dataset_dict))))

    def _add_unit_publisher(self, dataset_ref, organization: dict[str, Any]) -> None:
        site = tk.config.get("ckan.site_url", "").rstrip("/")
        publisher = URIRef(f"{site}/organization/{organization['name']}")
        self.g.add((dataset_ref, DCTERMS.publisher, publisher))
        self.g.add((publisher, RDF.type, FOAF.Organization))
        self.g.add((publisher, FOAF.name, Literal(organization.get("title") or organization["name"],
                                                  lang="vi")))


def request_page(dataset_dict: dict) -> str:
    """Where one applies for a dataset's data (ckanext-molisa-sharing's form)."""
    ref = dataset_dict.get("name") or dataset_dict.get("id") or ""
    try:
        return tk.url_for("molisa_sharing.request_new", dataset=ref, _external=True)
    except Exception:  # outside a request, or without the sharing plugin
        return "{}/sharing/requests/new?dataset={}".format(
            (tk.config.get("ckan.site_url") or "").rstrip("/"), ref)


class MolisaDCATAPProfile(_MolisaFields, EuropeanDCATAP2Profile):
    """``molisa_dcat_ap``: DCAT-AP 2 with the MOLISA fields."""


class MolisaDCATAP3Profile(_MolisaFields, EuropeanDCATAP3Profile):
    """``molisa_dcat_ap_3``: DCAT-AP 3 with the MOLISA fields."""
