"""ckanext-molisa-audit: the log of every connection and share (Decision
2327 Art. 15). Registrations only; see capture.py, recorder.py, shipper.py."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.exceptions import CkanConfigurationException
from ckan.lib.plugins import DefaultTranslation

from . import archive, capture
from .logic import action, auth


@tk.blanket.actions(action.get_actions)
@tk.blanket.auth_functions(auth.get_auth_functions)
@tk.blanket.blueprints
@tk.blanket.helpers
@tk.blanket.validators
@tk.blanket.cli
@tk.blanket.config_declarations
class MolisaAuditPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.ISignal)
    p.implements(p.ITranslation)

    # ITranslation: the catalogues are named after the extension
    # (ckanext-molisa-audit), not after the plugin (molisa_audit)
    def i18n_domain(self):
        return "ckanext-molisa-audit"

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_resource("assets", "ckanext-molisa-audit")

    # IConfigurable
    def configure(self, config):
        months = config.get("ckanext.molisa_audit.retention_months")
        if months is None or int(months) < archive.MIN_RETENTION_MONTHS:
            raise CkanConfigurationException(
                "ckanext.molisa_audit.retention_months must be at least "
                f"{archive.MIN_RETENTION_MONTHS} (Decision 2327 Art. 15(2)); got {months}")

    # IMiddleware
    def make_middleware(self, app, config):
        # first of all before-request hooks: a request that CKAN's own hooks
        # fail (PostgreSQL down) is still timed and logged
        app.before_request_funcs.setdefault(None, []).insert(0, capture.before_request)
        app.after_request(capture.after_request)
        return app

    # ISignal
    def get_signal_subscriptions(self):
        return {
            tk.signals.action_succeeded: [capture.on_action_succeeded],
            tk.signals.user_logged_in: [capture.on_logged_in],
            tk.signals.user_logged_out: [capture.on_logged_out],
            tk.signals.failed_login: [capture.on_failed_login],
        }
