"""ckanext-molisa-sharing: Connection and sharing: access levels enforced on every path, sharing requests and grants, default-sharing services, inbound connection requests (Decision 2327 Art. 12-13, 17-18).

The package exists so that the portal's layout and plugin list are stable;
its features arrive with their own issues.
"""
from __future__ import annotations

import ckan.plugins as p


class MolisaSharingPlugin(p.SingletonPlugin):
    """Loaded by the portal; registers nothing yet."""
