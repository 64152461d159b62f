"""ckanext-molisa-sharing: access levels enforced on every path to the data,
requests for data and the grants they become, default-sharing services and
connection accounts, inbound connection requests (Decision 2327 Art. 12-13,
17-18). Registrations only; the access decision is access.decide."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.molisa.interfaces import IMolisaVisibility
from ckanext.molisa_audit.interfaces import IMolisaAudit

from . import access, audit, downloads
from .logic import action, auth


@tk.blanket.actions(action.get_actions)
@tk.blanket.auth_functions(auth.get_auth_functions)
@tk.blanket.blueprints
@tk.blanket.helpers
@tk.blanket.validators
@tk.blanket.cli
@tk.blanket.config_declarations
class MolisaSharingPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IApiToken, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(IMolisaAudit, inherit=True)
    p.implements(IMolisaVisibility)

    def i18n_domain(self):
        return "ckanext-molisa-sharing"

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")

    # IMolisaVisibility: what of a restricted resource a person without
    # access sees (the kernel's visibility.visible_dataset asks on every path)
    def molisa_visible_dataset(self, context, pkg_dict, snapshot=False):
        access.visible_dataset(context, pkg_dict, snapshot)

    # IPackageController: the links of restricted datasets are not indexed
    def before_dataset_index(self, pkg_dict):
        return access.index_document(pkg_dict)

    # IApiToken: remember which token authenticated the request (a token
    # bound to a grant opens only that grant)
    def preprocess_api_token(self, data):
        audit.remember_token(data)
        return data

    # IMiddleware
    def make_middleware(self, app, config):
        app.before_request(downloads.before_request)
        return app

    # IMolisaAudit
    def molisa_audit_before_write(self, event):
        return audit.add_grant(event)
