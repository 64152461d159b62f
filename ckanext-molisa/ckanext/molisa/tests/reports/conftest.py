"""Fixtures of the reports' tests: the world of
``ckanext.molisa.testing.factories`` (two units, their admins, a dataset at
each access level), the IT Centre's address, a clean throttle, and a request
context (mail in the portal's language, absolute links)."""
from __future__ import annotations

import pytest

from ckanext.molisa.testing.factories import build_world

IT_CENTRE = "ttcntt@molisa.example.vn"
UNIT_ADMIN = "admin.btxh@molisa.example.vn"
VISITOR = "nguoi.dan@example.vn"


@pytest.fixture
def world(clean_db, clean_index):
    from ckanext.molisa.reports import throttle
    throttle.forget()
    return build_world()


def has(message, words: str) -> bool:
    """Whether the subject holds the words, spaces aside (a long Vietnamese
    subject is folded into encoded words)."""
    return words.replace(" ", "") in (message["Subject"] or "").replace(" ", "")
