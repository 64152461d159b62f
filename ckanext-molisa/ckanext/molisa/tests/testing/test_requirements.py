"""The requirements table: the ids it knows, the unknown ids it refuses (at
collection, in a real pytest run, and in the table), the results it reads."""
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

from ckanext.molisa.testing import requirements

pytestmark = pytest.mark.req("R15.1")


def _tree(tmp_path, test_source: str, results: dict | None = None):
    os.makedirs(tmp_path / "regulation")
    shutil.copy(os.path.join(requirements.ROOT, requirements.REQUIREMENTS_FILE),
                tmp_path / "regulation" / "requirements.yaml")
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\ntestpaths =\n    tests\nmarkers =\n    req(id): a requirement\n"
        "addopts = -p no:cacheprovider --strict-markers -p no:ckan -p no:ckan_fixtures\n")
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "test_example.py").write_text(textwrap.dedent(test_source))
    if results is not None:
        (tmp_path / ".local" / "test-results").mkdir(parents=True)
        (tmp_path / ".local" / "test-results" / "last-run.json").write_text(json.dumps(results))
    return tmp_path


def test_every_id_is_unique_and_well_formed():
    ids = [r["id"] for r in requirements.load()]
    assert len(ids) == len(set(ids)) >= 50
    assert all(re.fullmatch(r"R\d+(\.\d+[a-z]?)?", i) for i in ids), ids
    # the digest's lines that cover several ids become one entry per id
    assert {"R8.1", "R8.2", "R8.3", "R13.1", "R13.2", "R5.3", "R4.2"} <= set(ids)


def test_the_table_shows_results_and_what_no_test_proves(tmp_path):
    root = _tree(tmp_path, """
        import pytest

        @pytest.mark.req("R15.2")
        @pytest.mark.parametrize("n", [1, 2])
        def test_kept(n):
            assert n

        class TestShares:
            pytestmark = pytest.mark.req("R12.6")

            def test_refused(self):
                pass
        """, {"finished": "2026-12-01T00:00:00+00:00", "tests": {
            "tests/test_example.py::test_kept[1]": {"outcome": "passed"},
            "tests/test_example.py::test_kept[2]": {"outcome": "failed"}}})
    text, status = requirements.table(str(root))
    assert re.search(r"R15\.2 +1 test\(s\): 1 failed", text), text
    assert re.search(r"R12\.6 +1 test\(s\): 1 not run", text), text
    assert "tests/test_example.py::TestShares::test_refused" in text
    assert "2 of " in text and re.search(r"Not proven by any test yet \(\d+\):\n  R4\.3", text)
    assert status == 2


def test_an_unknown_id_is_listed_by_the_table(tmp_path):
    root = _tree(tmp_path, """
        import pytest

        @pytest.mark.req("R99.9")
        def test_nothing():
            pass
        """)
    text, status = requirements.table(str(root))
    assert status == 1
    assert "tests/test_example.py::test_nothing: unknown requirement id 'R99.9'" in text


@pytest.mark.parametrize("marker, message", [
    ('@pytest.mark.req("R13.1-2")', "unknown requirement id 'R13.1-2'"),
    ("@pytest.mark.req()", "needs an id"),
    ("@pytest.mark.reqs('R15.2')", "'reqs' not found in `markers`"),
])
def test_a_real_run_refuses_a_marker_that_names_no_known_id(tmp_path, marker, message):
    root = _tree(tmp_path, f"""
        import pytest

        {marker}
        def test_nothing():
            pass
        """)
    done = subprocess.run([sys.executable, "-m", "pytest", "-p", "ckanext.molisa.testing.requirements",
                           "-q", "--rootdir", str(root), str(root / "tests")],
                          cwd=root, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert message in done.stdout + done.stderr, done.stdout + done.stderr


def test_a_run_records_each_tests_outcome(tmp_path):
    root = _tree(tmp_path, """
        import pytest

        @pytest.mark.req("R15.2")
        def test_good():
            pass

        @pytest.mark.req("R18.1")
        def test_bad():
            assert False
        """)
    subprocess.run([sys.executable, "-m", "pytest", "-p", "ckanext.molisa.testing.requirements",
                    "-q", "--rootdir", str(root), str(root / "tests")],
                   cwd=root, capture_output=True, text=True, timeout=120)
    run = json.loads((root / ".local" / "test-results" / "last-run.json").read_text())
    assert run["tests"]["tests/test_example.py::test_good"] == {"outcome": "passed",
                                                                 "req": ["R15.2"]}
    assert run["tests"]["tests/test_example.py::test_bad"]["outcome"] == "failed"
    assert run["exit_status"] == 1
