"""Actions of ckanext-molisa-sharing, one module per noun:

- :mod:`.request`: requests for data, from application to decision (R12.6,
  R17.3, R18.1);
- :mod:`.grant`: the grants they become, and API tokens bound to a grant (R18.3);
- :mod:`.usage_report`: usage reports asked of grantees (R18.2);
- :mod:`.register`: the public register of grants in force;
- :mod:`.service`: the catalogue of default-sharing services (R12.4);
- :mod:`.inbound`: inbound connection requests (R13);
- :mod:`.sweep`: the periodic duties;
- :mod:`.demo`: the demo records of ``make run``.

:mod:`.base` holds what every step does around its own work; queries and
dictization are in :mod:`ckanext.molisa_sharing.model`. The core actions
that the access decision guards are chained in
:mod:`ckanext.molisa_sharing.logic.chained`.
"""
from __future__ import annotations

from typing import Any

from ckanext.molisa_sharing.logic import chained
from ckanext.molisa_sharing.logic.action import (
    demo, grant, inbound, register, request, service, sweep, usage_report)

MODULES = (request, grant, usage_report, register, service, inbound, sweep, demo)


def get_actions() -> dict[str, Any]:
    """Every action of this plugin by name (``tk.blanket.actions``): each
    module's ``__all__``, and the chained core actions."""
    actions = {name: getattr(module, name) for module in MODULES for name in module.__all__}
    actions.update(chained.actions())
    return actions
