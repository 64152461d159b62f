# Sourced (not executed) by the Solr image's run-initdb before Solr starts.
# The core's conf/ lives in the /var/solr volume, copied from the image's
# configset when the core was created; make it match the current image again,
# so that a new image (new CKAN schema, new MOLISA fields) takes effect.
if [ -d /var/solr/data/ckan/conf ]; then
    echo "sync-ckan-conf: replacing /var/solr/data/ckan/conf with ${CKAN_CONFIGSET}/conf"
    rm -rf /var/solr/data/ckan/conf
    cp -R "${CKAN_CONFIGSET}/conf" /var/solr/data/ckan/conf
fi
