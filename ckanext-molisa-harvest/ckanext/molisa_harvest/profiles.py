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

``molisa_dcat_ap_3`` (the portal's outbound profile) conforms to SEMIC's
DCAT-AP 3.0.0 SHACL shapes (R9.3; ``tests/test_shacl.py``): a distribution's
format is a term of the EU file-type table (``dct:format``) and its media type
an IANA IRI (``dcat:mediaType``), both from ``mapping/formats.json``;
``dcat:byteSize`` is an ``xsd:nonNegativeInteger``; every IRI a shape expects
to be of a class says so (frequency, access right, publisher, contact point,
access and download URLs, languages); a dataset's coverage (the country) and
its distributions' licence are EU IRIs; the catalogue has a description, a
publisher and its languages as IRIs (``mapping/catalogue.json``).

The quality checks' latest results go out as DQV: the dataset's metadata
score and each distribution's five-star openness
(``dqv:hasQualityMeasurement``, ``_quality_measurements``).

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

import re
from typing import Any, Optional

from rdflib import BNode, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, XSD

import ckan.plugins.toolkit as tk

from ckanext.dcat.profiles import EuropeanDCATAP2Profile, EuropeanDCATAP3Profile
from ckanext.dcat.profiles.base import DCAT, VCARD
from ckanext.dcat.utils import resource_uri

from ckanext.molisa import codelists
from ckanext.molisa.model import quality as quality_results
from ckanext.molisa_harvest import mapping

MOLISA = Namespace("https://data.molisa.gov.vn/ns/dcat#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
#: the metrics of the quality checks that go out as DQV measurements
METRICS = {"metadata": MOLISA.metadataQualityScore, "openness": MOLISA.fiveStarOpenness}
EU_ACCESS_RIGHT = "http://publications.europa.eu/resource/authority/access-right/"
#: an IANA media type as CKAN stores a resource's ``mimetype``
_MEDIA_TYPE = re.compile(r"[a-z]+/[a-z0-9][a-z0-9!#$&^_.+-]*")


def file_format(label: Any) -> Optional[dict[str, Any]]:
    """A CKAN format label's entry in ``mapping/formats.json`` (its EU file
    type and IANA media type), or None for a format the table lacks."""
    table = mapping.table("formats")
    key = str(label or "").strip().upper().lstrip(".")
    key = table["aliases"].get(key, key)
    return table["formats"].get(key)


def file_type_iri(label: Any) -> Optional[URIRef]:
    entry = file_format(label)
    return URIRef(mapping.table("formats")["file_type_base"] + entry["file_type"]) if entry else None


def media_type_iri(label: Any, mimetype: Any = None) -> Optional[URIRef]:
    """The IANA IRI of a resource's media type: the table's for its format,
    else its own ``mimetype`` when that is one."""
    entry = file_format(label)
    media = entry.get("media_type") if entry else None
    if not media and isinstance(mimetype, str) and _MEDIA_TYPE.fullmatch(mimetype.strip().lower()):
        media = mimetype.strip().lower()
    return URIRef(mapping.table("formats")["media_type_base"] + media) if media else None


def format_label(value: Any) -> Any:
    """Read back: an EU file-type IRI as the CKAN format label (``CSV``); any
    other value unchanged."""
    table = mapping.table("formats")
    text = str(value or "")
    if not text.startswith(table["file_type_base"]):
        return value
    code = text[len(table["file_type_base"]):]
    for label, entry in table["formats"].items():
        if entry["file_type"] == code:
            return label
    return code


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
        media_base = mapping.table("formats")["media_type_base"]
        for resource in dataset_dict.get("resources") or []:
            if resource.get("format"):
                resource["format"] = format_label(resource["format"])
            if str(resource.get("mimetype") or "").startswith(media_base):
                resource["mimetype"] = resource["mimetype"][len(media_base):]
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
            distribution = URIRef(resource_uri(dict(resource, package_id=dataset_dict.get("id"))))
            if resource.get("data_access") == "restricted":
                self._restricted_distribution(dataset_dict, distribution)
            self._set_distribution_format(distribution, resource)
            for predicate in (DCAT.accessURL, DCAT.downloadURL):
                for url in g.objects(distribution, predicate):
                    g.add((url, RDF.type, RDFS.Resource))

        self._typed_values(dataset_ref, dataset_dict)
        self._quality_measurements(dataset_ref, dataset_dict)

    def _quality_measurements(self, dataset_ref, dataset_dict: dict) -> None:
        """The latest quality results as DQV (W3C Data Quality Vocabulary):
        the dataset's metadata score (EU MQA points of 405) and each shown
        distribution's five-star openness, as ``dqv:hasQualityMeasurement``
        of a ``dqv:QualityMeasurement`` with ``dqv:isMeasurementOf`` (the
        metric) and ``dqv:value``. Only distributions the reader is shown
        (``dataset_dict``'s resources) get theirs."""
        if not dataset_dict.get("id"):
            return
        g = self.g
        shown = {r.get("id"): r for r in dataset_dict.get("resources") or []}
        for result in quality_results.latest_of_packages([dataset_dict["id"]]):
            if result.score is None:
                continue
            if result.resource_id is None and result.kind == quality_results.METADATA:
                subject, metric = dataset_ref, METRICS["metadata"]
                value = Literal(float(result.score), datatype=XSD.double)
            elif result.resource_id in shown and result.kind == quality_results.OPENNESS:
                subject = URIRef(resource_uri(dict(shown[result.resource_id],
                                                   package_id=dataset_dict["id"])))
                metric = METRICS["openness"]
                value = Literal(int(result.score), datatype=XSD.integer)
            else:
                continue
            measurement = BNode()
            g.add((subject, DQV.hasQualityMeasurement, measurement))
            g.add((measurement, RDF.type, DQV.QualityMeasurement))
            g.add((measurement, DQV.isMeasurementOf, metric))
            g.add((measurement, DQV.computedOn, subject))
            g.add((measurement, DQV.value, value))
            g.add((measurement, PROV.generatedAtTime,
                   Literal(result.checked_at.isoformat(), datatype=XSD.dateTime)))
            g.add((metric, RDF.type, DQV.Metric))

    def _restricted_distribution(self, dataset_dict: dict, distribution: URIRef) -> None:
        """A distribution whose data the reader may not get: its access URL is
        the page where one applies for it."""
        for predicate in (DCAT.accessURL, DCAT.downloadURL):
            self.g.remove((distribution, predicate, None))
        self.g.add((distribution, DCAT.accessURL, URIRef(request_page(dataset_dict))))

    def _set_distribution_format(self, distribution: URIRef, resource: dict) -> None:
        """``dct:format`` as an EU file type and ``dcat:mediaType`` as an IANA
        IRI (DCAT-AP 3 wants IRIs of those classes, not CKAN's labels)."""
        g = self.g
        g.remove((distribution, DCTERMS["format"], None))
        g.remove((distribution, DCAT.mediaType, None))
        file_type = file_type_iri(resource.get("format"))
        if file_type is not None:
            g.add((distribution, DCTERMS["format"], file_type))
            g.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
        media_type = media_type_iri(resource.get("format"), resource.get("mimetype"))
        if media_type is not None:
            g.add((distribution, DCAT.mediaType, media_type))
            g.add((media_type, RDF.type, DCTERMS.MediaType))

    def _typed_values(self, dataset_ref, dataset_dict: dict) -> None:
        """The classes DCAT-AP 3's shapes expect of the dataset's IRIs, and
        its languages (Vietnamese, and English when it has an English title)."""
        g = self.g
        for predicate, cls in ((DCTERMS.accrualPeriodicity, DCTERMS.Frequency),
                               (DCTERMS.accessRights, DCTERMS.RightsStatement),
                               (DCTERMS.publisher, FOAF.Agent),
                               (DCAT.contactPoint, VCARD.Kind)):
            for value in g.objects(dataset_ref, predicate):
                if not isinstance(value, Literal):
                    g.add((value, RDF.type, cls))
        catalogue = mapping.table("catalogue")
        languages = ["vi"] + (["en"] if dataset_dict.get("title_en") else [])
        if not any(g.objects(dataset_ref, DCTERMS.language)):
            for language in languages:
                iri = URIRef(catalogue["language_base"] + catalogue["languages"][language])
                g.add((dataset_ref, DCTERMS.language, iri))
                g.add((iri, RDF.type, DCTERMS.LinguisticSystem))
        if not any(g.objects(dataset_ref, DCTERMS.spatial)):
            country = URIRef(catalogue["spatial"])
            g.add((dataset_ref, DCTERMS.spatial, country))
            g.add((country, RDF.type, DCTERMS.Location))
        licence = catalogue["licences"].get(dataset_dict.get("license_id") or "")
        if licence:
            licence = URIRef(catalogue["licence_base"] + licence)
            for distribution in g.objects(dataset_ref, DCAT.distribution):
                if not any(g.objects(distribution, DCTERMS.license)):
                    g.add((distribution, DCTERMS.license, licence))
            g.add((licence, RDF.type, DCTERMS.LicenseDocument))

    def graph_from_catalog(self, catalog_dict, catalog_ref):
        """The catalogue: titles and descriptions in both languages, the
        ministry as publisher, languages and home page as typed IRIs."""
        super().graph_from_catalog(catalog_dict, catalog_ref)
        g = self.g
        data = mapping.table("catalogue")
        for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.language,
                          DCTERMS.publisher):
            g.remove((catalog_ref, predicate, None))
        site_text = {DCTERMS.title: tk.config.get("ckan.site_title"),
                     DCTERMS.description: tk.config.get("ckan.site_description")}
        for predicate, key in ((DCTERMS.title, "title"), (DCTERMS.description, "description")):
            g.add((catalog_ref, predicate, Literal(site_text[predicate] or data[key]["vi"],
                                                   lang="vi")))
            g.add((catalog_ref, predicate, Literal(data[key]["en"], lang="en")))
        for code in data["languages"].values():
            iri = URIRef(data["language_base"] + code)
            g.add((catalog_ref, DCTERMS.language, iri))
            g.add((iri, RDF.type, DCTERMS.LinguisticSystem))
        publisher = URIRef(data["publisher"]["uri"])
        g.add((catalog_ref, DCTERMS.publisher, publisher))
        g.add((publisher, RDF.type, FOAF.Agent))
        g.add((publisher, DCTERMS.type, URIRef(data["publisher"]["type"])))
        for language, name in data["publisher"]["name"].items():
            g.add((publisher, FOAF.name, Literal(name, lang=language)))
        for homepage in g.objects(catalog_ref, FOAF.homepage):
            g.add((homepage, RDF.type, FOAF.Document))

    def _add_unit_publisher(self, dataset_ref, organization: dict[str, Any]) -> None:
        site = tk.config.get("ckan.site_url", "").rstrip("/")
        publisher = URIRef(f"{site}/organization/{organization['name']}")
        self.g.add((dataset_ref, DCTERMS.publisher, publisher))
        self.g.add((publisher, RDF.type, FOAF.Organization))
        self.g.add((publisher, RDF.type, FOAF.Agent))
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
