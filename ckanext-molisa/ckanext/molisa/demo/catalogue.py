"""The demo catalogue of the MOLISA data portal: forty-five datasets with
synthetic but plausible CSV resources, read from ``catalogue.yaml`` (the
data) and made by ``generators.py`` (the tables), deterministically.

Public API: :func:`demo_datasets` and :func:`csv_bytes`.
"""
from __future__ import annotations

import functools
import os
from typing import Any

import yaml

from . import generators
from .generators import csv_bytes

__all__ = ["demo_datasets", "csv_bytes", "catalogue"]

CATALOGUE = os.path.join(os.path.dirname(__file__), "catalogue.yaml")


@functools.lru_cache(maxsize=None)
def catalogue() -> dict[str, Any]:
    """The catalogue file, read once."""
    with open(CATALOGUE, encoding="utf-8") as f:
        return yaml.safe_load(f)


def demo_datasets() -> list[dict]:
    """The demo catalogue: ``{"dataset": package_create fields, "resources": [...]}``
    items; each resource has name, description, format, columns and rows."""
    data = catalogue()
    generators.configure(data["population"], data["factors"])
    return [generators.build(spec, data["seed"], data["themes"]) for spec in data["datasets"]]
