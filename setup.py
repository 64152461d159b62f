"""Installs the MOLISA CKAN extensions from this repository.

Each extension keeps the layout of a stand-alone CKAN extension
(``ckanext-<name>/ckanext/<name>/``); this one setup.py installs them together.
"""
from setuptools import find_packages, setup

EXTENSIONS = {
    "molisa": "ckanext-molisa",
    "molisa_sharing": "ckanext-molisa-sharing",
    "molisa_audit": "ckanext-molisa-audit",
    "molisa_harvest": "ckanext-molisa-harvest",
    "molisa_identity": "ckanext-molisa-identity",
}

package_dir = {}
packages = []
for name, folder in EXTENSIONS.items():
    package_dir[f"ckanext.{name}"] = f"{folder}/ckanext/{name}"
    packages.append(f"ckanext.{name}")
    # subpackages (logic, demo, migration, ...), tests included: they ship like
    # the tests of CKAN's own extensions.
    for sub in find_packages(f"{folder}/ckanext/{name}"):
        packages.append(f"ckanext.{name}.{sub}")
        package_dir[f"ckanext.{name}.{sub}"] = f"{folder}/ckanext/{name}/" + sub.replace(".", "/")

setup(
    name="ckanext-molisa-portal",
    version="0.1.0",
    description="MOLISA data portal: CKAN extensions for Decision 2327/QD-BLDTBXH",
    license="AGPL-3.0-or-later",
    python_requires=">=3.10",
    package_dir=package_dir,
    packages=packages,
    include_package_data=True,
    package_data={
        "": [
            "*.yaml", "*.json", "*.csv", "*.txt", "*.ini", "*.mako",
            "templates/**/*.html", "assets/**/*", "public/**/*",
            "i18n/*/LC_MESSAGES/*.po", "i18n/*/LC_MESSAGES/*.mo", "i18n/*.pot",
            "migration/**/*", "codelists/*", "demo/*", "sql/*.sql", "schemas/*.yaml",
        ],
    },
    zip_safe=False,
    entry_points={
        "ckan.plugins": [
            "molisa = ckanext.molisa.plugin:MolisaPlugin",
            "molisa_sharing = ckanext.molisa_sharing.plugin:MolisaSharingPlugin",
            "molisa_audit = ckanext.molisa_audit.plugin:MolisaAuditPlugin",
            "molisa_harvest = ckanext.molisa_harvest.plugin:MolisaHarvestPlugin",
            "molisa_identity = ckanext.molisa_identity.plugin:MolisaIdentityPlugin",
            "molisa_ckan_harvester = ckanext.molisa_harvest.harvesters.ckan:MolisaCKANHarvester",
            "molisa_dcat_harvester = ckanext.molisa_harvest.harvesters.dcat:MolisaDCATHarvester",
            "molisa_sector_db = ckanext.molisa_harvest.harvesters.sector_db:MolisaSectorDbHarvester",
        ],
        "ckan.rdf.profiles": [
            "molisa_dcat_ap = ckanext.molisa_harvest.profiles:MolisaDCATAPProfile",
            "molisa_dcat_ap_3 = ckanext.molisa_harvest.profiles:MolisaDCATAP3Profile",
        ],
        "babel.extractors": [
            "ckan = ckan.lib.extract:extract_ckan",
        ],
    },
    message_extractors={
        f"{folder}/ckanext/{name}": [
            ("**.py", "python", None),
            ("**.js", "javascript", None),
            ("templates/**.html", "ckan", None),
        ]
        for name, folder in EXTENSIONS.items()
    },
)
