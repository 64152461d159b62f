"""Passwords in source URLs never reach a log (redact.py): ckanext-harvest
logs source URLs as they are, to the log files and to its harvest_log table."""
from __future__ import annotations

import io
import logging
import uuid

import pytest

from ckan import model
from ckanext.harvest.log import DBLogHandler
from ckanext.harvest.model import HarvestLog

from ckanext.molisa import redact


@pytest.mark.parametrize("text, expected", [
    ("postgresql://sector_ro:S3cret!x@10.0.0.5:5432/csdl",
     "postgresql://sector_ro:***@10.0.0.5:5432/csdl"),
    ("Marking job as finished https://harvest:p%40ss@portal.gov.vn/api 42",
     "Marking job as finished https://harvest:***@portal.gov.vn/api 42"),
    ("host=db user=ro password=hunter2 dbname=x", "host=db user=ro password=*** dbname=x"),
    ("https://data.gov.vn/api?x=1&password=abc&y=2", "https://data.gov.vn/api?x=1&password=***&y=2"),
    ("postgresql://sector_ro@127.0.0.1/db?passfile=/p", "postgresql://sector_ro@127.0.0.1/db?passfile=/p"),
    ("https://data.gov.vn/dataset/a@b", "https://data.gov.vn/dataset/a@b"),
])
def test_redact_masks_passwords_only(text, expected):
    assert redact.redact(text) == expected


@pytest.mark.req("R15.1", "R4.3")
@pytest.mark.usefixtures("clean_db")
def test_a_source_url_with_its_password_is_masked_in_every_log():
    # the plugin installed the record factory when it was configured
    assert getattr(logging.getLogRecordFactory(), "molisa_redacts", False)
    logger = logging.getLogger("ckanext.harvest.logic.action.update")
    stream = io.StringIO()
    handlers = [DBLogHandler(level=logging.INFO), logging.StreamHandler(stream)]
    level, disabled = logger.level, logger.disabled
    logger.setLevel(logging.INFO)
    logger.disabled = False     # the tests' logging configuration turns it off
    for handler in handlers:
        logger.addHandler(handler)
    marker = uuid.uuid4().hex
    try:
        # what ckanext-harvest's harvest_jobs_run writes when it closes a job
        logger.info("Marking job as finished %s %s",
                    "postgresql://sector_ro:Tr0ub4dor@127.0.0.1:5432/csdl", marker)
    finally:
        for handler in handlers:
            logger.removeHandler(handler)
        logger.setLevel(level)
        logger.disabled = disabled
    model.Session.remove()
    stored = [row.content for row in model.Session.query(HarvestLog)
              if marker in row.content]
    assert stored == ["Marking job as finished postgresql://sector_ro:***@127.0.0.1:5432/csdl"
                      f" {marker}"]
    assert "Tr0ub4dor" not in stream.getvalue() and ":***@127.0.0.1" in stream.getvalue()
