"""The language crawl's engine (see ``test_languages.py``): the message
catalogues the portal translates with, the visible text of a page, and a crawl
of every GET route (``ckanext.molisa.testing.routes``) and of the same-site
links the pages show.

A string is in the wrong language when

- on a Vietnamese page, it is (the whole of a text node or of a block of
  inline text) an English msgid of CKAN's, the installed extensions' or our
  catalogues, unless the Vietnamese catalogue the portal runs with translates
  it into the same words on purpose ("API", "DCAT");
- on an English page, it is the Vietnamese translation of a msgid, or text
  with Vietnamese letters that is none of the test's own data.
"""
from __future__ import annotations

import json
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Iterable
from urllib.parse import urljoin, urlsplit

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.support import Translations

from ckan.common import config

from ckanext.molisa.testing.routes import get_routes, route_urls

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 4))

#: elements whose text is not shown (or is the user's own input)
HIDDEN = {"script", "style", "template", "noscript", "textarea", "svg", "head"}
#: elements that end a run of inline text
BLOCKS = {"address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl", "dt",
          "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5",
          "h6", "header", "hr", "html", "li", "main", "nav", "ol", "option", "p", "section",
          "select", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "button",
          "label", "input", "img", "title", "dialog"}
#: attributes a visitor reads
TEXT_ATTRS = ("title", "placeholder", "alt", "aria-label")
#: GET routes with side effects (or none worth reading)
SKIP_ROUTE = re.compile(r"^/testing/|logout|delete|purge|clear|abort|refresh|stop|/api/|/download|"
                        r"\.(?:xml|rdf|ttl|jsonld|json|csv|xlsx|txt)$|/_")
SKIP_LINK = re.compile(r"^/(?:en/)?(?:api/|webassets/|base/|uploads/|_)|logout|/download|"
                       r"delete|purge|\.(?:css|js|png|jpg|svg|ico|xml|rdf|ttl|jsonld|json|"
                       r"csv|xlsx|zip|pdf|txt)(?:$|\?)")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]*\)[sdifr]|%[sdifr]")
#: placeholders that stand for a number
NUMERIC = re.compile(r"\{(?:num|number|count|n)\}|%\((?:num|number|count|n)\)[sd]|%d")
#: a label in both languages: "Dữ liệu nội bộ (Internal: not for sharing)",
#: "CSDL chuyên ngành (PostgreSQL) / Sector database"
BILINGUAL = re.compile(r"\((?:[^()]*[A-Za-z]{3,}[^()]*)\)\s*$|\s/\s[A-Za-z][A-Za-z ,.:-]+$")
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợ"
                        r"ùủũúụừửữứựỳỷỹýỵ]")
LETTERS = re.compile(r"[A-Za-z]{2}")


def norm(text: str) -> str:
    return " ".join(text.split())


# -- the catalogues ------------------------------------------------------------------

def _site_packages() -> str:
    import ckan
    return os.path.dirname(os.path.dirname(ckan.__file__))


def _extract(package_dir: str) -> Iterable[tuple]:
    """msgids of an installed extension, from its code and templates (its
    shipped .pot is often older than its templates)."""
    method_map = [("**/tests/**", "ignore"), ("**.py", "python"),
                  ("**/templates/**.html", "ckan")]
    for _file, _line, message, _comments, _context in extract_from_dir(
            package_dir, method_map, keywords={"_": None, "gettext": None, "ngettext": (1, 2),
                                               "ungettext": (1, 2), "N_": None,
                                               "_l": None}):
        yield message


def english_msgids() -> set[str]:
    """Every English msgid (singular and plural) of CKAN's, ckanext-harvest's,
    -dcat's, -scheming's and our catalogues."""
    found: set[str] = set()

    def add(message) -> None:
        for text in (message if isinstance(message, (tuple, list)) else (message,)):
            if text:
                found.add(text)

    site = _site_packages()
    with open(os.path.join(site, "ckan", "i18n", "ckan.pot"), "rb") as f:
        for message in read_po(f):
            add(message.id)
    for ext in ("harvest", "dcat", "scheming"):
        path = os.path.join(site, "ckanext", ext)
        if os.path.isdir(path):
            for message in _extract(path):
                add(message)
    for root, _dirs, files in os.walk(ROOT):
        if "/.venv" in root or "/.local" in root or "/.git" in root:
            continue
        for name in files:
            if name.endswith(".pot") and "/i18n" in root:
                with open(os.path.join(root, name), "rb") as f:
                    for message in read_po(f):
                        add(message.id)
    return found


def runtime_translations(flask_app, locale: str) -> Translations:
    """The catalogue the portal translates with in ``locale``: every
    ITranslation plugin's domain merged after CKAN's, as flask-babel does."""
    dirs = flask_app.config["BABEL_TRANSLATION_DIRECTORIES"].split(";")
    domains = flask_app.config["BABEL_DOMAIN"].split(";")
    merged = Translations()
    for dirname, domain in zip(dirs, domains):
        catalog = Translations.load(dirname, [locale], domain)
        if isinstance(catalog, Translations):
            merged.merge(catalog)
    return merged


def _pattern(text: str) -> re.Pattern | None:
    """A msgid with placeholders as a regular expression of its rendered forms."""
    if not PLACEHOLDER.search(text):
        return None
    text = norm(text)
    out, last = [], 0
    for match in PLACEHOLDER.finditer(text):
        out.append(re.escape(text[last:match.start()]))
        out.append(r"[\d.,\s]+?" if NUMERIC.fullmatch(match.group()) else ".+?")
        last = match.end()
    out.append(re.escape(text[last:]))
    return re.compile("".join(out) + r"\Z", re.S)


class Matcher:
    """Which catalogue string a visible text is, if any."""

    def __init__(self, strings: dict[str, str]):
        # text -> what to report (the msgid)
        self.exact: dict[str, str] = {}
        self.patterns: list[tuple[str, re.Pattern, str]] = []
        for text, reported in strings.items():
            pattern = _pattern(text)
            if pattern is None:
                self.exact[norm(text)] = reported
            else:
                literal = max(PLACEHOLDER.split(norm(text)), key=len)
                if len(literal.strip()) >= 4:
                    self.patterns.append((literal, pattern, reported))
        self.cache: dict[str, str | None] = {}

    def __call__(self, segment: str) -> str | None:
        if segment in self.cache:
            return self.cache[segment]
        found = self.exact.get(segment)
        if found is None:
            for literal, pattern, reported in self.patterns:
                if literal in segment and pattern.match(segment):
                    found = reported
                    break
        self.cache[segment] = found
        return found


def _checkable(msgid: str) -> bool:
    """A msgid worth looking for: words, not markup or a lone symbol."""
    text = norm(msgid)
    return bool(LETTERS.search(PLACEHOLDER.sub("", text))) and "<" not in text


def build_checkers(flask_app) -> tuple[Matcher, Matcher, dict]:
    """(English strings that must not stay untranslated on Vietnamese pages,
    Vietnamese strings that must not reach English pages, counts)."""
    msgids = {m for m in english_msgids() if _checkable(m)}
    vi = runtime_translations(flask_app, "vi")
    en = runtime_translations(flask_app, "en")
    vi_catalog = vi._catalog

    def vi_text(msgid: str) -> str | None:
        if msgid in vi_catalog:
            return vi_catalog[msgid]
        for key, value in vi_catalog.items():
            if isinstance(key, tuple) and key[0] == msgid:
                return value
        return None

    plural_of: dict[str, list[str]] = defaultdict(list)
    for key, value in vi_catalog.items():
        if isinstance(key, tuple):
            plural_of[key[0]].append(value)
    untranslated: dict[str, str] = {}
    vietnamese: dict[str, str] = {}
    for msgid in msgids:
        translations = [vi_catalog[msgid]] if msgid in vi_catalog else plural_of.get(msgid, [])
        if not translations or any(norm(t) != norm(msgid) for t in translations):
            # absent, or translated into other words: the English must not show
            untranslated[msgid] = msgid
        for text in translations:
            if norm(text) != norm(msgid) and norm(text) != norm(en.gettext(msgid)) \
                    and _checkable(text):
                vietnamese[text] = msgid
    # the plural msgids of the Vietnamese catalogue (its keys are the singular)
    counts = {"msgids": len(msgids), "vi_strings": len(vietnamese)}
    return Matcher(untranslated), Matcher(vietnamese), counts


# -- a page's visible text -----------------------------------------------------------

class VisibleText(HTMLParser):
    """Text nodes, runs of inline text and the readable attributes of a page;
    and its links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.segments: set[str] = set()
        self.links: list[str] = []
        self.run: list[str] = []

    def _flush(self) -> None:
        text = norm("".join(self.run))
        if text:
            self.segments.add(text)
        self.run = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in HIDDEN:
            self.hidden += 1
            return
        if tag in BLOCKS:
            self._flush()
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if self.hidden:
            return
        for name in TEXT_ATTRS:
            if attrs.get(name):
                self.segments.add(norm(attrs[name]))
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.segments.add(norm(attrs["value"]))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in HIDDEN:
            self.hidden -= 1

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
            return
        if tag in BLOCKS:
            self._flush()

    def handle_data(self, data):
        if self.hidden:
            return
        text = norm(data)
        if text:
            self.segments.add(text)
        self.run.append(data)

    def close(self):
        super().close()
        self._flush()


# -- the crawl -----------------------------------------------------------------------

@dataclass
class Finding:
    locale: str
    role: str
    url: str
    text: str
    msgid: str

    def __str__(self) -> str:
        shown = self.text if self.text == self.msgid else f"{self.text!r} (msgid {self.msgid!r})"
        return f"  [{self.locale}/{self.role}] {self.url}: {shown}"


@dataclass
class CrawlReport:
    pages: dict = field(default_factory=lambda: defaultdict(int))   # (locale, role) -> count
    segments: int = 0
    distinct: set = field(default_factory=set)
    findings: list = field(default_factory=list)
    errors_500: list = field(default_factory=list)
    routes: int = 0
    seconds: float = 0.0

    def describe(self, limit: int = 120) -> str:
        """One line per wrong string (with the first page that showed it)."""
        seen, lines = set(), []
        for finding in self.findings:
            key = (finding.locale, finding.text)
            if key not in seen:
                seen.add(key)
                lines.append(str(finding))
        more = f"\n  ... and {len(lines) - limit} more" if len(lines) > limit else ""
        return "\n".join(sorted(lines)[:limit]) + more


class Crawl:
    """Visits every GET route (a few URLs each, their variables from
    ``pool``) under one locale as one role, then the same-site links of the
    pages, and checks each HTML page's visible text."""

    def __init__(self, app, pool, untranslated: Matcher, vietnamese: Matcher,
                 own_data: Iterable[str], per_rule: int = 2, per_path: int = 3,
                 max_pages: int = 700):
        self.app = app
        self.pool = pool
        self.untranslated = untranslated
        self.vietnamese = vietnamese
        self.own_data = {norm(t) for t in own_data if t}
        # the portal's name and description are configuration, one value
        self.own_data |= {norm(config.get(key) or "")
                          for key in ("ckan.site_title", "ckan.site_description")} - {""}
        # ... and so is the licence register (codelists/licenses.json): licence
        # names ("Open Data Commons Attribution License") are proper names
        from ckan import model
        self.own_data |= {norm(lic.title) for lic in model.Package.get_license_register().values()}
        # a language switcher names each language in that language
        from babel import Locale
        self.language_names = {Locale.parse(code).display_name
                               for code in (config.get("ckan.locales_offered") or ["vi"])}
        self.per_rule = per_rule
        self.per_path = per_path
        self.max_pages = max_pages

    def _is_own_data(self, segment: str) -> bool:
        """The test's data (or the portal's configured name), whole, within
        the segment, or truncated ("Cổng...")."""
        if segment in self.own_data:
            return True
        head = segment[:-3] if segment.endswith("...") else None
        return any(d in segment or (head and d.startswith(head))
                   for d in self.own_data if len(d) >= 4)

    def check_page(self, report: CrawlReport, locale: str, role: str, url: str,
                   body: str) -> list[str]:
        parser = VisibleText()
        parser.feed(body)
        parser.close()
        for segment in parser.segments:
            report.segments += 1
            report.distinct.add((locale, segment))
            if segment in self.own_data:
                continue
            if locale == "vi":
                msgid = self.untranslated(segment)
                if msgid is not None:
                    report.findings.append(Finding(locale, role, url, segment, msgid))
            else:
                msgid = self.vietnamese(segment)
                if msgid is not None:
                    report.findings.append(Finding(locale, role, url, segment, msgid))
                elif VIETNAMESE.search(segment) and not self._is_own_data(segment) \
                        and segment not in self.language_names \
                        and not BILINGUAL.search(segment):
                    report.findings.append(Finding(locale, role, url, segment, "(no msgid)"))
        return parser.links

    def run(self, report: CrawlReport, locale: str, role: str, headers: dict) -> None:
        prefix = "" if locale == "vi" else f"/{locale}"
        queue: list[str] = []
        for rule in get_routes(self.app.flask_app):
            if SKIP_ROUTE.search(rule.rule) or SKIP_ROUTE.search(rule.endpoint):
                continue
            report.routes = max(report.routes, 0) + (1 if role == "anonymous" and locale == "vi" else 0)
            queue += [prefix + url for url in route_urls(rule, self.pool,
                                                         per_rule=self.per_rule)]
        seen: set[str] = set(queue)
        per_path: dict[str, int] = defaultdict(int)
        visited = 0
        while queue and visited < self.max_pages:
            url = queue.pop(0)
            path = urlsplit(url).path
            if per_path[path] >= self.per_path:
                continue
            per_path[path] += 1
            visited += 1
            try:
                response = self.app.get(url, headers=headers, follow_redirects=False)
            except Exception as exc:  # noqa: BLE001 - a crash is reported, the crawl goes on
                from ckan import model
                model.Session.rollback()
                report.errors_500.append((locale, role, url, f"{type(exc).__name__}: {exc}"))
                continue
            status = response.status_code
            if status >= 500:
                report.errors_500.append((locale, role, url, status))
                continue
            targets: list[str] = []
            if 300 <= status < 400 and response.headers.get("Location"):
                targets.append(response.headers["Location"])
            elif status == 200 and "text/html" in response.headers.get("Content-Type", ""):
                report.pages[(locale, role)] += 1
                targets += self.check_page(report, locale, role, url,
                                           response.get_data(as_text=True))
            for target in targets:
                link = self._same_site(url, target, prefix)
                if link and link not in seen:
                    seen.add(link)
                    queue.append(link)

    def _same_site(self, base: str, href: str, prefix: str) -> str | None:
        parts = urlsplit(urljoin("http://test.ckan.net" + base, href.strip()))
        if parts.scheme not in ("http", "https"):
            return None          # mailto:, javascript:
        site = urlsplit(config.get("ckan.site_url") or "")
        if parts.netloc not in ("test.ckan.net", "localhost", site.netloc):
            return None
        path = parts.path or "/"
        if SKIP_LINK.search(path):
            return None
        if prefix and not (path == prefix or path.startswith(prefix + "/")):
            return None
        if not prefix and path.startswith(("/en/", "/vi/")) or path in ("/en", "/vi"):
            return None
        return path + (f"?{parts.query}" if parts.query else "")


def write_report(report: CrawlReport, name: str, counts: dict | None = None) -> dict:
    """The crawl's reach, for the README (``.local/test-artifacts/``)."""
    folder = os.path.join(ROOT, ".local", "test-artifacts")
    os.makedirs(folder, exist_ok=True)
    summary = {**(counts or {}), "pages": {f"{k[0]}/{k[1]}": v for k, v in sorted(report.pages.items())},
               "routes": report.routes, "segments_checked": report.segments,
               "distinct_segments": len(report.distinct), "wrong": len(report.findings),
               "server_errors": [list(map(str, e)) for e in report.errors_500[:50]],
               "seconds": round(report.seconds, 1),
               "wrong_strings": report.describe(limit=2000).split("\n")}
    with open(os.path.join(folder, f"language-crawl-{name}.json"), "w", encoding="utf-8") as f:
        json.dump(summary, f, indent=1, ensure_ascii=False)
    return summary


def crawl(app, pool, roles: dict[str, dict], locales=("vi", "en"), own_data=(),
          **limits) -> tuple[CrawlReport, dict]:
    started = time.monotonic()
    untranslated, vietnamese, counts = build_checkers(app.flask_app)
    crawler = Crawl(app, pool, untranslated, vietnamese, own_data, **limits)
    report = CrawlReport()
    for role, headers in roles.items():
        for locale in locales:
            crawler.run(report, locale, role, headers)
    report.seconds = time.monotonic() - started
    return report, counts
