"""No msgid is translated two ways. CKAN merges the catalogues of every
``ITranslation`` plugin into one per locale, so when two of our plugins give
the same msgid different Vietnamese, whichever loads last wins on every
page, the other plugin's pages included (stop 20: WikiMolisa's "Submitted"
= "Ngày gửi" replaced sharing's state "Đã gửi"). Where the meanings really
differ, one plugin uses a msgid of its own ("Position held", "Clear the
filters", "Draft version")."""
from __future__ import annotations

import glob
import os
from collections import defaultdict

from babel.messages.pofile import read_po

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))


def catalogues() -> list[str]:
    return sorted(glob.glob(os.path.join(ROOT, "ckanext-*", "ckanext", "*", "i18n", "vi",
                                         "LC_MESSAGES", "*.po")))


def translations() -> dict[tuple, dict[str, tuple]]:
    """(context, msgid) -> {catalogue: its non-empty, not fuzzy translation}."""
    found: dict[tuple, dict[str, tuple]] = defaultdict(dict)
    for path in catalogues():
        with open(path, "rb") as f:
            catalog = read_po(f)
        name = os.path.relpath(path, ROOT).split(os.sep)[0]
        for message in catalog:
            if not message.id or message.fuzzy:
                continue
            msgid = message.id if isinstance(message.id, str) else message.id[0]
            strings = (message.string,) if isinstance(message.string, str) \
                else tuple(message.string or ())
            if any(strings):
                found[(message.context, msgid)][name] = strings
    return found


def test_every_plugins_catalogue_is_read():
    names = {os.path.relpath(p, ROOT).split(os.sep)[0] for p in catalogues()}
    assert {"ckanext-molisa", "ckanext-molisa-sharing", "ckanext-molisa-audit",
            "ckanext-molisa-harvest", "ckanext-molisa-identity"} <= names
    # the catalogues do share msgids (so the check below compares something)
    shared = [k for k, v in translations().items() if len(v) > 1]
    assert len(shared) > 20


def test_no_msgid_has_two_vietnamese_translations():
    clashes = {
        msgid: by_catalogue
        for (_, msgid), by_catalogue in translations().items()
        if len(set(by_catalogue.values())) > 1}
    assert not clashes, "msgids translated differently in two catalogues:\n" + "\n".join(
        f"  {msgid!r}: " + "; ".join(f"{name} = {' / '.join(strings)!r}"
                                     for name, strings in sorted(by.items()))
        for msgid, by in sorted(clashes.items()))
