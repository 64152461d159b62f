"""ckanext-molisa-harvest: harvesting that works in production (scheduler,
watchdog, health pages, pruning). The harvesters themselves are separate
plugins, one module per source kind under harvesters/."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.molisa_harvest import redact
from ckanext.molisa_harvest.logic import action, auth


@tk.blanket.cli
@tk.blanket.config_declarations
@tk.blanket.actions(action.get_actions)
@tk.blanket.auth_functions(auth.get_auth_functions)
@tk.blanket.blueprints
class MolisaHarvestPlugin(p.SingletonPlugin, DefaultTranslation):
    """Registrations only."""
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)

    def i18n_domain(self):
        return "ckanext-molisa-harvest"

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")

    # IConfigurable
    def configure(self, config):
        redact.install()
