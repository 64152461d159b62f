"""profiles.py: the MOLISA fields in DCAT-AP, out (our catalogue as RDF) and
in (another portal's RDF read by the DCAT harvester), through ckanext-dcat's
own serializer and parser."""
from __future__ import annotations

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

import ckan.tests.factories as factories

from ckanext.dcat.processors import RDFParser, RDFSerializer

from ckanext.molisa_harvest.profiles import MOLISA

pytestmark = [pytest.mark.req("R9.2"), pytest.mark.usefixtures("with_plugins")]

EU = "http://publications.europa.eu/resource/authority/"


@pytest.fixture
def unit(clean_db):
    return factories.Organization(name="cuc-bao-tro-xa-hoi", title="Cục Bảo trợ xã hội",
                                  unit_type="department")


def _dataset(unit, **overrides):
    data = {
        "id": "0b8c5f6e-1f0a-4c52-9d0b-4bb1f1a2c001",
        "name": "tro-cap-xa-hoi-2024",
        "title": "Trợ cấp xã hội 2024",
        "title_en": "Social allowances 2024",
        "notes": "Số đối tượng hưởng trợ cấp.",
        "notes_en": "Beneficiaries of social allowances.",
        "sector": "bao-tro-xa-hoi",
        "access_level": "special_request",
        "update_frequency": "annual",
        "province": ["hue", "ha-noi"],
        "organization": unit,
        "resources": [
            {"id": "3d2c5f6e-1f0a-4c52-9d0b-4bb1f1a2c002", "name": "Bảng số liệu",
             "format": "CSV", "data_access": "restricted",
             "url": "https://secret.example.vn/tro-cap.csv"},
        ],
    }
    data.update(overrides)
    for resource in data["resources"]:
        resource["package_id"] = data["id"]   # as package_show gives them
    return data


@pytest.mark.parametrize("profile", ["molisa_dcat_ap", "molisa_dcat_ap_3"])
def test_our_fields_go_out_as_dcat(unit, profile):
    serializer = RDFSerializer(profiles=[profile])
    ref = serializer.graph_from_dataset(_dataset(unit))
    g = serializer.g
    titles = {(str(o), o.language) for o in g.objects(ref, DCTERMS.title)}
    assert titles == {("Trợ cấp xã hội 2024", "vi"), ("Social allowances 2024", "en")}
    assert g.value(ref, MOLISA.sector) == Literal("bao-tro-xa-hoi")
    assert URIRef(EU + "data-theme/SOCI") in set(g.objects(ref, DCAT.theme))
    assert g.value(ref, MOLISA.accessLevel) == Literal("special_request")
    assert set(g.objects(ref, DCTERMS.accessRights)) == {URIRef(EU + "access-right/RESTRICTED")}
    assert g.value(ref, DCTERMS.accrualPeriodicity) == URIRef(EU + "frequency/ANNUAL")
    assert {str(o) for o in g.objects(ref, MOLISA.province)} == {"hue", "ha-noi"}
    assert g.value(ref, MOLISA.unit) == Literal("cuc-bao-tro-xa-hoi")
    publisher = g.value(ref, DCTERMS.publisher)
    assert str(g.value(publisher, FOAF.name)) == "Cục Bảo trợ xã hội"


def test_a_restricted_distribution_points_to_the_request_page(unit):
    serializer = RDFSerializer(profiles=["molisa_dcat_ap"])
    serializer.graph_from_dataset(_dataset(unit))
    turtle = serializer.g.serialize(format="turtle")
    assert "secret.example.vn" not in turtle
    [access] = [o for o in serializer.g.objects(None, DCAT.accessURL)]
    assert str(access).endswith("/sharing/requests/new?dataset=tro-cap-xa-hoi-2024")
    assert not list(serializer.g.objects(None, DCAT.downloadURL))


def test_an_open_dataset_is_public_and_keeps_its_links(unit):
    serializer = RDFSerializer(profiles=["molisa_dcat_ap"])
    ref = serializer.graph_from_dataset(_dataset(
        unit, access_level="open", resources=[{"id": "r1", "format": "CSV", "data_access": "open",
                                          "url": "https://data.example.vn/mo.csv"}]))
    g = serializer.g
    assert set(g.objects(ref, DCTERMS.accessRights)) == {URIRef(EU + "access-right/PUBLIC")}
    assert "https://data.example.vn/mo.csv" in {str(o) for o in g.objects(None, DCAT.accessURL)} \
        | {str(o) for o in g.objects(None, DCAT.downloadURL)}


TURTLE = """
@prefix dcat: <http://www.w3.org/ns/dcat#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix molisa: <https://data.molisa.gov.vn/ns/dcat#> .

<https://data.example.vn/catalog> a dcat:Catalog ;
    dcat:dataset <https://data.example.vn/dataset/viec-lam> .

<https://data.example.vn/dataset/viec-lam> a dcat:Dataset ;
    dct:title "Việc làm theo tỉnh"@vi, "Employment by province"@en ;
    dct:description "Số người có việc làm."@vi, "People in work."@en ;
    molisa:sector "lao-dong-viec-lam" ;
    molisa:accessLevel "default_shared" ;
    molisa:updateFrequency "quarterly" ;
    molisa:unit "cuc-viec-lam" ;
    molisa:province "hue", "ha-noi" .
"""


def test_their_molisa_fields_come_in():
    parser = RDFParser(profiles=["molisa_dcat_ap"])
    parser.parse(TURTLE, _format="turtle")
    [dataset] = list(parser.datasets())
    assert dataset["title"] == "Việc làm theo tỉnh"
    assert dataset["title_en"] == "Employment by province"
    assert dataset["notes"] == "Số người có việc làm."
    assert dataset["notes_en"] == "People in work."
    assert dataset["sector"] == "lao-dong-viec-lam"
    assert dataset["access_level"] == "default_shared"
    assert dataset["update_frequency"] == "quarterly"
    assert dataset["unit"] == "cuc-viec-lam"
    assert dataset["province"] == ["ha-noi", "hue"]


def test_a_round_trip_keeps_the_molisa_fields(unit):
    serializer = RDFSerializer(profiles=["molisa_dcat_ap"])
    serializer.graph_from_dataset(_dataset(unit, access_level="open", resources=[]))
    parser = RDFParser(profiles=["molisa_dcat_ap"])
    parser.parse(serializer.g.serialize(format="turtle"), _format="turtle")
    [back] = list(parser.datasets())
    assert (back["title"], back["title_en"]) == ("Trợ cấp xã hội 2024", "Social allowances 2024")
    assert (back["sector"], back["access_level"], back["update_frequency"], back["unit"]) == (
        "bao-tro-xa-hoi", "open", "annual", "cuc-bao-tro-xa-hoi")
    assert back["province"] == ["ha-noi", "hue"]
