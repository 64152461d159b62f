"""The portal's outbound DCAT conforms to DCAT-AP 3 (R9.2, R9.3).

A realistic catalogue (open datasets of several sectors and units, with
resources of several formats, uploaded and linked, and a restricted dataset)
is built through the real actions; the catalogue document and each dataset's
document are fetched through the portal's own routes (ckanext-dcat's views,
the ``molisa_dcat_ap_3`` profile) and validated with pyshacl against SEMIC's
official DCAT-AP 3.0.0 shapes (``data/shacl/``, the file ckanext-dcat's own
tests use). Accepted are only the two results that ckanext-dcat's own DCAT-AP 3
test accepts, filtered the same way (by exact result message): the shapes ask
that every theme, access right, frequency, file type, ... be a
``skos:Concept`` and every related dataset a ``dcat:Dataset``, which a
document can only state by copying the EU vocabularies into itself.
"""
from __future__ import annotations

import os

import pytest
import rdflib
from pyshacl import validate
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

import ckan.tests.factories as factories
import ckan.tests.helpers as helpers
from ckanext.dcat.processors import RDFParser, RDFSerializer

from ckanext.molisa.testing import database
from ckanext.molisa.testing.factories import csv_upload, dataset_data, meritorious_dataset
from ckanext.molisa_harvest import profiles

HERE = os.path.dirname(__file__)
SHAPES = os.path.join(HERE, "data", "shacl", "dcat-ap_3_shacl_shapes.ttl")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"

#: what ckanext-dcat's own DCAT-AP 3 test (tests/shacl/test_shacl.py) accepts
ACCEPTED = {"Value does not have class skos:Concept",
            "Value does not have class dcat:Dataset"}

pytestmark = [pytest.mark.usefixtures("with_plugins")]

_shapes: list[rdflib.Graph] = []


def shapes() -> rdflib.Graph:
    if not _shapes:
        _shapes.append(rdflib.Graph().parse(SHAPES, format="turtle"))
    return _shapes[0]


def violations(document: str | rdflib.Graph, fmt: str = "turtle") -> list[str]:
    """pyshacl's results for a document beyond the accepted two, readable:
    one line per result (focus node, path, value, message)."""
    data = document if isinstance(document, rdflib.Graph) else \
        rdflib.Graph().parse(data=document, format=fmt)
    _conforms, results, _text = validate(data, shacl_graph=shapes())
    found = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        message = str(results.value(result, SH.resultMessage))
        if message in ACCEPTED:
            continue
        found.append("{focus} {path} {value}: {message}".format(
            focus=results.value(result, SH.focusNode), path=results.value(result, SH.resultPath),
            value=results.value(result, SH.value), message=message))
    return sorted(found)


def assert_conforms(document: str, fmt: str = "turtle", where: str = "") -> None:
    """Fails with the readable list of violations, one a line."""
    found = violations(document, fmt)
    assert not found, "{} violates DCAT-AP 3 ({}):\n{}".format(
        where or "the document", len(found), "\n".join(found))


@pytest.fixture(scope="module")
def catalogue(reset_db, migrate_db_for, reset_index):
    """Four units' open datasets in four sectors, with CSV, XLSX, JSON, PDF
    and API resources (one uploaded, so with a size), and a restricted one;
    built once for the module (the tests only read it)."""
    with database.module_site(reset_db, migrate_db_for, reset_index):
        yield _build_catalogue()


def _build_catalogue() -> dict[str, dict]:
    admin = factories.Sysadmin()
    ctx = {"user": admin["name"]}
    helpers.call_action("molisa_units_seed", context=dict(ctx))
    made = {}
    specs = [
        ("cuc-nguoi-co-cong", "nguoi-co-cong", {}),
        ("cuc-viec-lam", "lao-dong-viec-lam", {"version": None, "temporal_start": None,
                                                "temporal_end": None}),
        ("tong-cuc-giao-duc-nghe-nghiep", "giao-duc-nghe-nghiep", {"province": []}),
        ("cuc-bao-tro-xa-hoi", "bao-tro-xa-hoi", {"license_id": "cc-zero",
                                                  "notes_en": None, "title_en": None}),
    ]
    for i, (unit, sector, overrides) in enumerate(specs):
        pkg = helpers.call_action("package_create", context=dict(ctx), **meritorious_dataset(
            unit, name=f"bo-du-lieu-mo-{i}", sector=sector, **overrides))
        made[pkg["name"]] = pkg
    first, second, third, _fourth = made
    helpers.call_action("resource_create", context=dict(ctx), package_id=first, name="Bảng số liệu",
                        format="CSV", upload=csv_upload(), url="people.csv")
    for package, fmt, url in ((first, "XLSX", "https://data.example.vn/nguoi-co-cong.xlsx"),
                              (second, "JSON", "https://data.example.vn/viec-lam.json"),
                              (second, "PDF", "https://data.example.vn/bao-cao.pdf"),
                              (third, "API", "https://api.example.vn/tuyen-sinh"),
                              (third, "csv", "https://data.example.vn/tuyen-sinh.csv")):
        helpers.call_action("resource_create", context=dict(ctx), package_id=package,
                            name=url.rsplit("/", 1)[-1], format=fmt, url=url)
    restricted = helpers.call_action(
        "package_create", context=dict(ctx),
        **dataset_data("cuc-bao-tro-xa-hoi", "special_request", name="tro-giup-xa-hoi-han-che"))
    helpers.call_action("resource_create", context=dict(ctx), package_id=restricted["id"],
                        name="Bảng số liệu", format="CSV",
                        url="https://secret.example.vn/tro-giup.csv")
    made[restricted["name"]] = restricted
    shown = {name: helpers.call_action("package_show", id=name) for name in made}
    _check_quality(shown)
    return shown


def _check_quality(datasets: dict[str, dict]) -> None:
    """The quality checks' results that go out as DQV: every dataset's
    metadata score and the uploaded file's openness (read from the file
    store: the linked resources' hosts are not reached from the tests)."""
    from ckanext.molisa.quality import fetch, runner
    for pkg in datasets.values():
        for resource in pkg["resources"]:
            if resource.get("url_type") == "upload":
                runner.record(pkg, resource, fetch.fetch_upload(resource))
        runner.finish_dataset(pkg, {}, [])          # the dataset's checks, one commit


def _graph(app, path: str, fmt: str = "turtle") -> rdflib.Graph:
    resp = app.get(path)
    assert resp.status_code == 200, path
    return rdflib.Graph().parse(data=resp.get_data(as_text=True), format=fmt)


def _distribution(g: rdflib.Graph, url: str) -> rdflib.URIRef:
    """The distribution whose access URL is ``url``."""
    [found] = list(g.subjects(DCAT.accessURL, rdflib.URIRef(url)))
    return found


@pytest.mark.req("R9.2", "R9.3")
def test_the_catalogue_and_every_dataset_document_conform_to_dcat_ap_3(catalogue, app):
    resp = app.get("/catalog.ttl")
    assert resp.status_code == 200
    text = resp.get_data(as_text=True)
    for name, pkg in catalogue.items():
        assert pkg["id"] in text, name
    assert_conforms(text, where="/catalog.ttl")
    for name in catalogue:
        for ext, fmt in (("ttl", "turtle"), ("rdf", "xml"), ("jsonld", "json-ld")):
            resp = app.get(f"/dataset/{name}.{ext}")
            assert resp.status_code == 200, (name, ext)
            assert_conforms(resp.get_data(as_text=True), fmt, where=f"/dataset/{name}.{ext}")


@pytest.mark.req("R9.2", "R14.1")
def test_quality_measurements_go_out_as_dqv(catalogue, app):
    dqv = rdflib.Namespace("http://www.w3.org/ns/dqv#")
    g = _graph(app, "/dataset/bo-du-lieu-mo-0.ttl")
    [dataset] = list(g.subjects(RDF.type, DCAT.Dataset))
    [measurement] = list(g.objects(dataset, dqv.hasQualityMeasurement))
    assert (measurement, RDF.type, dqv.QualityMeasurement) in g
    assert g.value(measurement, dqv.isMeasurementOf) == profiles.METRICS["metadata"]
    points = g.value(measurement, dqv.value)
    assert points.datatype == XSD.double and 0 < points.toPython() <= 405
    [upload] = [r for r in catalogue["bo-du-lieu-mo-0"]["resources"] if r["url_type"] == "upload"]
    [distribution] = [d for d in g.objects(dataset, DCAT.distribution)
                      if any(g.objects(d, dqv.hasQualityMeasurement))]
    assert upload["id"] in str(distribution)
    stars = g.value(g.value(distribution, dqv.hasQualityMeasurement), dqv.value)
    assert stars == rdflib.Literal(3, datatype=XSD.integer)          # an uploaded CSV
    assert (profiles.METRICS["openness"], RDF.type, dqv.Metric) in g
    # the catalogue carries them too: each dataset's score and the upload's stars
    catalog = _graph(app, "/catalog.ttl")
    assert len(list(catalog.objects(None, dqv.hasQualityMeasurement))) == len(catalogue) + 1


@pytest.mark.req("R9.3")
def test_the_check_finds_what_dcat_ap_2_output_gets_wrong(catalogue):
    """The same dataset through ckanext-dcat's stock DCAT-AP 2 profile: its
    formats and media types are literals, which the shapes refuse (so the
    check above can fail)."""
    serializer = RDFSerializer(profiles=["euro_dcat_ap_2"])
    serializer.graph_from_dataset(catalogue["bo-du-lieu-mo-0"])
    found = violations(serializer.g)
    assert any("/terms/format CSV: Value is not of Node Kind" in v for v in found), found
    assert any("#mediaType text/csv: Value is not of Node Kind" in v for v in found), found


@pytest.mark.req("R9.3")
def test_a_format_is_an_eu_file_type_and_its_media_type_an_iana_iri(catalogue, app):
    g = _graph(app, "/dataset/bo-du-lieu-mo-1.ttl")
    for url, file_type, media_type in (
            ("https://data.example.vn/viec-lam.json", "JSON", "application/json"),
            ("https://data.example.vn/bao-cao.pdf", "PDF", "application/pdf")):
        distribution = _distribution(g, url)
        assert list(g.objects(distribution, DCTERMS["format"])) == [
            rdflib.URIRef(EU + "file-type/" + file_type)]
        assert list(g.objects(distribution, DCAT.mediaType)) == [rdflib.URIRef(IANA + media_type)]
    g = _graph(app, "/dataset/bo-du-lieu-mo-2.ttl")
    lower = _distribution(g, "https://data.example.vn/tuyen-sinh.csv")   # format "csv"
    assert g.value(lower, DCTERMS["format"]) == rdflib.URIRef(EU + "file-type/CSV")
    api = _distribution(g, "https://api.example.vn/tuyen-sinh")          # no file type
    assert list(g.objects(api, DCTERMS["format"])) == []
    assert not [o for o in g.objects(None, DCTERMS["format"]) if isinstance(o, rdflib.Literal)]
    assert not [o for o in g.objects(None, DCAT.mediaType) if isinstance(o, rdflib.Literal)]


@pytest.mark.req("R9.3")
def test_byte_size_is_a_non_negative_integer(catalogue, app):
    g = _graph(app, "/dataset/bo-du-lieu-mo-0.ttl")
    sizes = list(g.objects(None, DCAT.byteSize))
    [upload] = [r for r in catalogue["bo-du-lieu-mo-0"]["resources"] if r["url_type"] == "upload"]
    assert sizes == [rdflib.Literal(upload["size"], datatype=XSD.nonNegativeInteger)]
    assert upload["size"] > 0


@pytest.mark.req("R9.2", "R9.3")
def test_licence_language_coverage_and_publisher_are_typed_iris(catalogue, app):
    g = _graph(app, "/dataset/bo-du-lieu-mo-3.ttl")
    [dataset] = list(g.subjects(RDF.type, DCAT.Dataset))
    for distribution in g.objects(dataset, DCAT.distribution):
        assert g.value(distribution, DCTERMS.license) == rdflib.URIRef(EU + "licence/CC0")
    assert set(g.objects(dataset, DCTERMS.language)) == {rdflib.URIRef(EU + "language/VIE")}
    assert g.value(dataset, DCTERMS.spatial) == rdflib.URIRef(EU + "country/VNM")
    publisher = g.value(dataset, DCTERMS.publisher)
    assert isinstance(publisher, rdflib.URIRef)
    assert (publisher, RDF.type, rdflib.namespace.FOAF.Agent) in g
    g = _graph(app, "/dataset/bo-du-lieu-mo-0.ttl")
    [dataset] = list(g.subjects(RDF.type, DCAT.Dataset))
    assert set(g.objects(dataset, DCTERMS.language)) == {rdflib.URIRef(EU + "language/VIE"),
                                                         rdflib.URIRef(EU + "language/ENG")}
    for distribution in g.objects(dataset, DCAT.distribution):
        assert g.value(distribution, DCTERMS.license) == rdflib.URIRef(EU + "licence/CC_BY_4_0")


@pytest.mark.req("R9.2", "R9.3")
def test_the_catalogue_has_a_description_a_publisher_and_languages(catalogue, app):
    g = _graph(app, "/catalog.ttl")
    [cat] = list(g.subjects(RDF.type, DCAT.Catalog))
    assert {d.language for d in g.objects(cat, DCTERMS.description)} == {"vi", "en"}
    publisher = g.value(cat, DCTERMS.publisher)
    assert {str(n) for n in g.objects(publisher, rdflib.namespace.FOAF.name)} == {
        "Bộ Lao động - Thương binh và Xã hội", "Ministry of Labour, Invalids and Social Affairs"}
    assert set(g.objects(cat, DCTERMS.language)) == {rdflib.URIRef(EU + "language/VIE"),
                                                     rdflib.URIRef(EU + "language/ENG")}


@pytest.mark.req("R9.2", "R4.3")
def test_a_restricted_distribution_still_points_to_the_request_page(catalogue, app):
    for path in ("/dataset/tro-giup-xa-hoi-han-che.ttl", "/catalog.ttl"):
        text = app.get(path).get_data(as_text=True)
        assert "secret.example.vn" not in text, path
        g = rdflib.Graph().parse(data=text, format="turtle")
        ref = rdflib.URIRef(profiles.request_page(catalogue["tro-giup-xa-hoi-han-che"]))
        assert str(ref).endswith("/sharing/requests/new?dataset=tro-giup-xa-hoi-han-che")
        [distribution] = list(g.subjects(DCAT.accessURL, ref))
        assert not list(g.objects(distribution, DCAT.downloadURL))
        assert g.value(distribution, DCTERMS["format"]) == rdflib.URIRef(EU + "file-type/CSV")
        assert g.value(distribution, DCTERMS.license) is None    # molisa-restricted: no EU term


@pytest.mark.req("R9.2")
def test_a_file_type_read_back_is_the_format_label_again(catalogue, app):
    text = app.get("/dataset/bo-du-lieu-mo-1.ttl").get_data(as_text=True)
    parser = RDFParser(profiles=["molisa_dcat_ap_3"])
    parser.parse(text, _format="turtle")
    [back] = list(parser.datasets())
    got = {(r["format"], r.get("mimetype")) for r in back["resources"]}
    assert got == {("JSON", "application/json"), ("PDF", "application/pdf")}
