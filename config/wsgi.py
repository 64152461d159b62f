"""WSGI application of the MOLISA portal, for gunicorn (`make run`, and the
`web` role of docker/ckan/entrypoint.sh).

The configuration is the ckan.ini named by $CKAN_INI (default
/etc/ckan/ckan.ini, where the production image renders it). CKANConfigLoader
also applies the ini's [loggers]/[handlers]/[formatters] sections.
"""
import os

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

config_path = os.environ.get("CKAN_INI", "/etc/ckan/ckan.ini")
application = make_app(CKANConfigLoader(config_path).get_config())
