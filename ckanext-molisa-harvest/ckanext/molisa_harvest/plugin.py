"""ckanext-molisa-harvest: harvesting that works in production (scheduler,
watchdog, health pages, pruning). The harvesters themselves are separate
plugins, one module per source kind under harvesters/."""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultPermissionLabels, DefaultTranslation

from ckanext.molisa import redact
from ckanext.molisa.interfaces import IMolisaVisibility
from ckanext.molisa_audit.interfaces import IMolisaAudit
from ckanext.molisa_harvest import accesses, facets, helpers, visibility
from ckanext.molisa_harvest.logic import action, auth, validators


@tk.blanket.cli
@tk.blanket.config_declarations
@tk.blanket.actions(action.get_actions)
@tk.blanket.auth_functions(auth.get_auth_functions)
@tk.blanket.validators(validators.get_validators)
@tk.blanket.helpers(helpers.get_helpers)
@tk.blanket.blueprints
class MolisaHarvestPlugin(p.SingletonPlugin, DefaultTranslation):
    """Registrations only."""
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.ITranslation)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IPermissionLabels)
    p.implements(p.IFacets, inherit=True)
    p.implements(IMolisaVisibility)
    p.implements(IMolisaAudit, inherit=True)

    def i18n_domain(self):
        return "ckanext-molisa-harvest"

    # IConfigurer
    def update_config(self, config):
        tk.add_template_directory(config, "templates")

    # IConfigurable
    def configure(self, config):
        redact.install()

    # IMolisaVisibility: what of a harvest source someone who does not
    # administer it sees (the kernel's visibility.visible_dataset asks)
    def molisa_visible_dataset(self, context, pkg_dict, snapshot=False):
        if "harvest" in (pkg_dict.get("type"), pkg_dict.get("dataset_type")):
            visibility.visible_source(context, pkg_dict)

    # IMolisaAudit: the subject-access records ("who used my data") leave
    # with the audit log's retention, in the same archive run (R15.2)
    def molisa_audit_archive(self, cutoff, dry_run):
        return {"mydata_subject_access_deleted": accesses.delete_before(cutoff, dry_run)}

    # IPackageController: only what may be seen is searchable
    def before_dataset_index(self, pkg_dict):
        return visibility.index_document(pkg_dict)

    # IFacets: the harvest source search's facet titles, translated
    def dataset_facets(self, facets_dict, package_type):
        return facets.molisa_harvest_source_facets(facets_dict, package_type)

    # IPermissionLabels: sources that are not public, for their unit's admins
    def get_dataset_labels(self, dataset_obj):
        labels = visibility.dataset_labels(dataset_obj)
        if labels is None:
            labels = DefaultPermissionLabels().get_dataset_labels(dataset_obj)
        return labels

    def get_user_dataset_labels(self, user_obj):
        return (DefaultPermissionLabels().get_user_dataset_labels(user_obj)
                + visibility.user_labels(user_obj))
