"""ckanext-molisa-harvest: harvesting that works in production (scheduler,
watchdog, health pages, pruning). The harvesters themselves are separate
plugins, one module per source kind under harvesters/."""
from __future__ import annotations

import ckan.plugins as p


class MolisaHarvestPlugin(p.SingletonPlugin):
    """Registrations only (filled in by the harvesting issue)."""
