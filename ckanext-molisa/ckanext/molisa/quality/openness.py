"""Openness on Tim Berners-Lee's five-star scale, from what the resource
really is (its bytes, then the server's content type), never from the
format the publisher declared:

0. nothing readable, or not under an open licence;
1. on the web under an open licence, in any format (PDF, Word, images, HTML);
2. machine-readable structured data in a proprietary format (XLSX, XLS);
3. in an open, non-proprietary format (CSV, JSON, XML);
4. with URIs to denote things (RDF: Turtle, RDF/XML, JSON-LD, N-Triples);
5. linked to other people's data (RDF naming things on another host).
"""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Optional
from urllib.parse import urlsplit

from .fetch import Fetched

#: sniffed kind -> stars (5 is reached by linking, see :func:`stars`)
STARS = {"pdf": 1, "doc": 1, "docx": 1, "image": 1, "html": 1, "text": 1, "zip": 1,
         "xls": 2, "xlsx": 2, "ods": 3, "csv": 3, "json": 3, "xml": 3,
         "jsonld": 4, "rdfxml": 4, "turtle": 4, "ntriples": 4}

#: content types a server may give, when the bytes say nothing clearer
CONTENT_TYPES = {
    "application/pdf": "pdf", "application/msword": "doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.ms-excel": "xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "text/csv": "csv", "application/json": "json", "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml", "text/turtle": "turtle", "application/n-triples": "ntriples",
    "application/xml": "xml", "text/xml": "xml", "text/html": "html", "text/plain": "text",
    "application/zip": "zip",
}

_URI = re.compile(rb"<(https?://[^>\s]+)>|\"@id\"\s*:\s*\"(https?://[^\"]+)\"|"
                  rb"rdf:(?:about|resource)=\"(https?://[^\"]+)\"")


def sniff(body: bytes, content_type: str = "") -> Optional[str]:
    """The kind of content ``body`` holds (None: nothing recognisable)."""
    head = body[:4096]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):           # OLE2: legacy Office
        return "xls" if b"W\x00o\x00r\x00k\x00b\x00o\x00o\x00k" in body or \
            content_type == "application/vnd.ms-excel" else "doc"
    if head.startswith(b"PK\x03\x04"):
        if b"xl/" in body:
            return "xlsx"
        if b"word/" in body:
            return "docx"
        if b"application/vnd.oasis.opendocument.spreadsheet" in head:
            return "ods"
        return "zip"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
        return "image"
    if not stripped:
        return None
    try:
        text = stripped.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = body.decode("utf-8", errors="strict")[:4096]
        except UnicodeDecodeError:
            return CONTENT_TYPES.get(content_type)
    lower = text[:1000].lower()
    if lower.startswith("<!doctype html") or lower.startswith("<html"):
        return "html"
    if lower.startswith("<?xml") or lower.startswith("<"):
        return "rdfxml" if "<rdf:rdf" in lower or "xmlns:rdf" in lower else "xml"
    if re.match(r"\s*(@prefix|@base|prefix\s)", lower):
        return "turtle"
    if text[:1] in "[{":
        kind = _json_kind(body)
        if kind:
            return kind
    if re.match(r"\s*<https?://[^>]+>\s+<https?://", text):
        return "ntriples"
    if _csv_like(text):
        return "csv"
    return CONTENT_TYPES.get(content_type) or "text"


def _json_kind(body: bytes) -> Optional[str]:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        # a truncated body: JSON-LD shows its context early
        return "jsonld" if b'"@context"' in body[:4096] else None
    if isinstance(data, dict) and "@context" in data:
        return "jsonld"
    if isinstance(data, list) and data and isinstance(data[0], dict) and "@context" in data[0]:
        return "jsonld"
    return "json"


def _csv_like(text: str) -> bool:
    lines = [line for line in text.splitlines()[:50] if line.strip()]
    if len(lines) < 2:
        return False
    if len(lines) > 2 and not text.endswith("\n"):
        lines = lines[:-1]                        # the last line may be cut by max_bytes
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:20]), delimiters=",;\t|")
    except csv.Error:
        return False
    widths = {len(row) for row in csv.reader(io.StringIO("\n".join(lines)), dialect)}
    return len(widths) == 1 and widths.pop() > 1


def linked_elsewhere(body: bytes, own_url: str) -> bool:
    """Whether RDF content names things on a host other than its own."""
    own = urlsplit(own_url).hostname or ""
    for match in _URI.finditer(body):
        uri = next(g for g in match.groups() if g).decode("utf-8", "replace")
        host = urlsplit(uri).hostname or ""
        if host and host != own and not host.endswith(("w3.org", "xmlns.com", "purl.org",
                                                       "schema.org")):
            return True
    return False


def stars(fetched: Fetched, license_open: bool) -> tuple[int, dict[str, Any]]:
    """The stars and what they rest on."""
    kind = sniff(fetched.body, fetched.content_type) if fetched.body else None
    format_stars = STARS.get(kind or "", 0)
    if format_stars == 4 and linked_elsewhere(fetched.body, fetched.url):
        format_stars = 5
    details = {"sniffed": kind, "content_type": fetched.content_type,
               "format_stars": format_stars, "license_open": license_open}
    return (format_stars if license_open else 0), details
