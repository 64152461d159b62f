"""ckanext-molisa-audit: The connection and sharing log: every connection and share recorded, kept at least two years, tamper-evident, with reports (Decision 2327 Art. 15).

The package exists so that the portal's layout and plugin list are stable;
its features arrive with their own issues.
"""
from __future__ import annotations

import ckan.plugins as p


class MolisaAuditPlugin(p.SingletonPlugin):
    """Loaded by the portal; registers nothing yet."""
