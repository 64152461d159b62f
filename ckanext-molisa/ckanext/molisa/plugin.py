"""ckanext-molisa: the MOLISA portal core. Registrations only; the logic
lives in the modules named below."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation

from . import contexts, facets, indexing, input_guard, visibility
from .logic import guards
from .logic.action import get_actions
from .logic.auth import get_auth_functions
from .quality import jobs as quality_jobs


@tk.blanket.actions(get_actions)
@tk.blanket.auth_functions(get_auth_functions)
@tk.blanket.validators
@tk.blanket.helpers
@tk.blanket.blueprints
@tk.blanket.cli
@tk.blanket.config_declarations
class MolisaPlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IResourceController, inherit=True)
    p.implements(p.IMiddleware, inherit=True)

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "ckanext-molisa")
        # a read that falls back from the replica to the primary is logged
        from . import dbfallback
        dbfallback.install()

    # IMiddleware: input no part of the portal can store is refused first
    def make_middleware(self, app, config):
        app.before_request(input_guard.before_request)
        guards.register_error_handlers(app)
        return app

    # IFacets
    def dataset_facets(self, facets_dict, package_type):
        return facets.dataset_facets(facets_dict)

    def organization_facets(self, facets_dict, organization_type, package_type):
        return facets.dataset_facets(facets_dict)

    # IPackageController
    def before_dataset_index(self, pkg_dict):
        return indexing.molisa_index_fields(pkg_dict)

    def after_dataset_create(self, context, pkg_dict):
        quality_jobs.on_change(pkg_dict.get("id"))

    def after_dataset_update(self, context, pkg_dict):
        quality_jobs.on_change(pkg_dict.get("id"))

    def after_dataset_show(self, context, pkg_dict):
        visibility.visible_dataset(context, pkg_dict)

    def after_dataset_search(self, search_results, search_params):
        context = contexts.request_context()
        for result in search_results.get("results") or []:
            if isinstance(result, dict):
                visibility.visible_search_result(context, result)
        return facets.label_facets(search_results)

    # IResourceController: a changed resource has its dataset checked again
    def after_resource_create(self, context, resource):
        quality_jobs.on_change(resource.get("package_id"))

    def after_resource_update(self, context, resource):
        quality_jobs.on_change(resource.get("package_id"))
