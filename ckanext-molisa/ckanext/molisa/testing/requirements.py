"""Requirements traceability: which test proves which requirement of the
regulation, and with what result.

The ids are those of ``regulation/requirements.yaml`` (one entry per id of
the digest ``REQUIREMENTS.md``). As a pytest plugin (the root conftest loads
it) this module refuses a ``req`` marker that names no known id and writes
the outcome of every test of the run to
``.local/test-results/last-run.json``. As a command
(``make requirements``, also run at the end of ``make test``) it prints each
requirement, the tests that prove it (found in the test files' source, so
a test counts even when the last run did not include it) and their result in
the last run, then the requirements that no test proves yet.

    python -m ckanext.molisa.testing.requirements [--root DIR] [--brief]
"""
from __future__ import annotations

import argparse
import ast
import configparser
import datetime
import json
import os
import sys
from collections import defaultdict
from typing import Any, Iterable

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))
REQUIREMENTS_FILE = os.path.join("regulation", "requirements.yaml")
RESULTS_FILE = os.path.join(".local", "test-results", "last-run.json")


def load(root: str = ROOT) -> list[dict[str, Any]]:
    """The requirements, in the regulation's order."""
    with open(os.path.join(root, REQUIREMENTS_FILE), encoding="utf-8") as f:
        return yaml.safe_load(f)["requirements"]


def known_ids(root: str = ROOT) -> set[str]:
    return {r["id"] for r in load(root)}


def unknown_ids(ids: Iterable[Any], known: set[str]) -> list[Any]:
    return [i for i in ids if not isinstance(i, str) or i not in known]


# -- the pytest plugin ---------------------------------------------------------

class Plugin:
    """Checks the markers at collection and records every test's outcome."""

    def __init__(self, root: str):
        self.root = root
        self.known = known_ids(root)
        self.items: dict[str, dict[str, Any]] = {}

    def pytest_collection_modifyitems(self, session, config, items):
        import pytest

        problems = []
        for item in items:
            ids = [i for mark in item.iter_markers("req") for i in mark.args]
            if any(not mark.args for mark in item.iter_markers("req")):
                problems.append(f"{item.nodeid}: @pytest.mark.req needs an id, like 'R15.2'")
            bad = unknown_ids(ids, self.known)
            if bad:
                problems.append(f"{item.nodeid}: unknown requirement id {', '.join(map(repr, bad))}"
                                f" (the ids are those of {REQUIREMENTS_FILE})")
            self.items[item.nodeid] = {"req": sorted(set(map(str, ids))), "outcome": "not run"}
        if problems:
            raise pytest.UsageError("\n".join(problems))

    def pytest_runtest_logreport(self, report):
        entry = self.items.setdefault(report.nodeid, {"req": [], "outcome": "not run"})
        if report.failed:
            entry["outcome"] = "error" if report.when != "call" else "failed"
        elif report.skipped and entry["outcome"] == "not run":
            entry["outcome"] = "skipped"
        elif report.when == "call" and report.passed and entry["outcome"] == "not run":
            entry["outcome"] = "passed"

    def pytest_sessionfinish(self, session, exitstatus):
        if (not self.items or hasattr(session.config, "workerinput")
                or session.config.option.collectonly):
            return
        path = os.path.join(self.root, RESULTS_FILE)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tests, status = self.items, int(exitstatus)
        if os.environ.get("MOLISA_TEST_RESULTS_MERGE") and os.path.exists(path):
            # a second part of the same run (make test's serial tests)
            with open(path, encoding="utf-8") as f:
                earlier = json.load(f)
            tests = {**earlier["tests"], **{k: v for k, v in self.items.items()
                                            if v["outcome"] != "not run"}}
            status = earlier["exit_status"] or status
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"finished": datetime.datetime.now(datetime.timezone.utc).isoformat(
                timespec="seconds"), "exit_status": status, "tests": tests},
                f, indent=1, sort_keys=True)


def pytest_configure(config):
    config.pluginmanager.register(Plugin(str(config.rootpath)), "molisa-requirements")


# -- the table -----------------------------------------------------------------

def _mark_ids(decorators: list[ast.expr]) -> list[str]:
    ids = []
    for node in decorators:
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "req"):
            ids += [a.value for a in node.args if isinstance(a, ast.Constant)]
    return ids


def _pytestmark(body: list[ast.stmt]) -> list[str]:
    for node in body:
        if (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                                                 for t in node.targets)):
            value = node.value
            marks = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            return _mark_ids(marks)
    return []


def _tests_in(path: str, rel: str) -> dict[str, list[str]]:
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    found = {}
    module_ids = _pytestmark(tree.body)

    def visit(body, prefix, inherited):
        for node in body:
            if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                visit(node.body, prefix + node.name + "::",
                      inherited + _mark_ids(node.decorator_list) + _pytestmark(node.body))
            elif (isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.name.startswith("test")):
                ids = inherited + _mark_ids(node.decorator_list)
                if ids:
                    found[f"{rel}::{prefix}{node.name}"] = sorted(set(ids))

    visit(tree.body, "", module_ids)
    return found


def _test_roots(root: str) -> list[str]:
    parser = configparser.ConfigParser()
    parser.read(os.path.join(root, "pytest.ini"))
    return parser.get("pytest", "testpaths", fallback="").split()


def proving_tests(root: str = ROOT) -> dict[str, list[str]]:
    """``{test id (file::function): [requirement ids]}`` from the source."""
    tests: dict[str, list[str]] = {}
    for top in _test_roots(root):
        for folder, _dirs, files in os.walk(os.path.join(root, top)):
            for name in sorted(files):
                if name.startswith("test_") and name.endswith(".py"):
                    path = os.path.join(folder, name)
                    tests.update(_tests_in(path, os.path.relpath(path, root)))
    return tests


def last_run(root: str = ROOT) -> dict[str, Any]:
    try:
        with open(os.path.join(root, RESULTS_FILE), encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {"tests": {}}


def outcome(test: str, run: dict[str, Any]) -> str:
    """One test function's result: its parametrized cases taken together."""
    cases = [v["outcome"] for k, v in run["tests"].items()
             if k == test or k.startswith(test + "[")]
    for worst in ("failed", "error", "skipped"):
        if worst in cases:
            return worst
    if cases and all(c == "passed" for c in cases):
        return "passed"
    return "not run"


def table(root: str = ROOT, brief: bool = False) -> tuple[str, int]:
    requirements = load(root)
    known = {r["id"] for r in requirements}
    tests = proving_tests(root)
    run = last_run(root)
    by_req: dict[str, list[str]] = defaultdict(list)
    problems = []
    for test, ids in sorted(tests.items()):
        for i in ids:
            by_req[i].append(test)
        bad = unknown_ids(ids, known)
        if bad:
            problems.append(f"{test}: unknown requirement id {', '.join(map(repr, bad))}")
    lines = [f"Requirements of {REQUIREMENTS_FILE} and the tests that prove them "
             f"(last run: {run.get('finished', 'none recorded')})", ""]
    unproven = []
    counts: dict[str, int] = defaultdict(int)
    for req in requirements:
        proving = by_req.get(req["id"], [])
        if not proving:
            unproven.append(req)
            continue
        results = [outcome(t, run) for t in proving]
        for r in results:
            counts[r] += 1
        summary = ", ".join(f"{results.count(r)} {r}" for r in
                            ("passed", "failed", "error", "skipped", "not run") if r in results)
        lines.append(f"{req['id']:<7} {len(proving):>3} test(s): {summary}")
        lines.append(f"        {req['text']}")
        if not brief:
            lines += [f"          {r:<8} {t}" for t, r in zip(proving, results)]
        lines.append("")
    proven = len(requirements) - len(unproven)
    lines.append(f"{proven} of {len(requirements)} requirements are proven by at least one "
                 f"test; {len(tests)} tests carry a requirement id.")
    lines.append(f"Not proven by any test yet ({len(unproven)}):")
    lines += [f"  {r['id']:<7} {r['text']}" for r in unproven]
    if problems:
        lines += ["", "Markers naming no known requirement:"] + [f"  {p}" for p in problems]
    failing = counts["failed"] + counts["error"]
    return "\n".join(lines), (1 if problems else 0) or (2 if failing else 0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", default=ROOT, help="the repository (default: this checkout)")
    parser.add_argument("--brief", action="store_true", help="one line per requirement")
    args = parser.parse_args(argv)
    text, status = table(args.root, args.brief)
    print(text)
    return 1 if status == 1 else 0


if __name__ == "__main__":
    sys.exit(main())
