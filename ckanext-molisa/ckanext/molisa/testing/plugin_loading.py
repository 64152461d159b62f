"""Cheaper plugin loading for the test processes (a pytest plugin).

CKAN's ``with_plugins`` fixture loads every plugin before each test and
unloads them after it, and each of the two runs ``update_config``. Measured
on this suite (cProfile of one load and unload, 15 plugins), most of that
time went to two things whose results never change within a test process:

- ``ckan.plugins.core._get_service`` looks each plugin's entry point up with
  ``importlib.metadata.entry_points``, which reads every installed
  distribution's metadata again on every call (about 13,000 file reads per
  load). The lookups are kept for the process here.
- PyYAML's pure-Python ``SafeLoader`` parses the config declarations and the
  scheming schemas again on every load. The C parser (libyaml, in PyYAML's
  wheel) builds the same documents, with the same safe constructors and
  resolver; it is the loader ``yaml.safe_load`` uses here.

The portal itself loads its plugins once per process and is not changed.
"""
from __future__ import annotations

import functools
import importlib.metadata

import yaml


def pytest_configure(config):
    import ckan.plugins.core as core

    core.entry_points = _entry_points
    if getattr(yaml, "CSafeLoader", None) is not None:
        yaml.SafeLoader = yaml.CSafeLoader


@functools.cache
def _cached(group: str, name: str):
    return importlib.metadata.entry_points(group=group, name=name)


def _entry_points(*, group: str, name: str):
    return _cached(group, name)
