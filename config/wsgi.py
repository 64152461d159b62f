"""WSGI entry point of the portal, for gunicorn: reads the CKAN config named by
the CKAN_INI environment variable."""
import os
from logging.config import fileConfig

from ckan.cli import CKANConfigLoader
from ckan.config.middleware import make_app

_ini = os.environ["CKAN_INI"]
fileConfig(_ini, disable_existing_loggers=False)
application = make_app(CKANConfigLoader(_ini).get_config())
