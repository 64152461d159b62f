"""ckanext-molisa-identity: log in with the national e-ID (OpenID Connect),
a second factor for officials, accounts the IT Centre issues (R7.1, R11.3,
R17.1, R20.2, R6.3b, R6.4, R15.1). Registrations only; see guard.py, oidc.py."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from ckanext.molisa.interfaces import IMolisaSubjects
from ckanext.molisa_audit.interfaces import IMolisaAudit

from . import accounts, events, guard, subscriptions
from .logic.action import get_actions
from .logic.auth import get_auth_functions
from .logic.validators import get_validators


@tk.blanket.actions(get_actions)
@tk.blanket.auth_functions(get_auth_functions)
@tk.blanket.validators(get_validators)
@tk.blanket.blueprints
@tk.blanket.helpers
@tk.blanket.cli
@tk.blanket.config_declarations
class MolisaIdentityPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IAuthenticator, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.ISignal)
    p.implements(IMolisaAudit, inherit=True)
    p.implements(IMolisaSubjects)

    def i18n_domain(self):
        return "ckanext-molisa-identity"

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")

    # IMolisaSubjects: who an e-ID account is in the sector data ("My data")
    def molisa_subject_hash(self, user_id):
        return accounts.subject_hash_of(user_id)

    # IAuthenticator (CKAN 2.10+)
    def identify_user(self, user_id=None):
        return guard.identify_user(user_id)

    def login(self):
        return guard.login()

    def logout(self):
        return guard.logout()

    # IMiddleware
    def make_middleware(self, app, config):
        app.before_request(guard.before_request)
        app.after_request(guard.after_request)
        from ckan.config.middleware.flask_app import csrf
        csrf.exempt("ckanext.molisa_identity.views.backchannel_logout")
        return app

    # ISignal
    def get_signal_subscriptions(self):
        return {
            tk.signals.user_logged_in: [guard.on_logged_in],
            tk.signals.failed_login: [guard.on_failed_login],
            tk.signals.action_succeeded: [subscriptions.on_action_succeeded],
        }

    # IMolisaAudit: log-in and log-out events carry the method and the acr
    def molisa_audit_before_write(self, event):
        return events.enrich(event)
