"""Extension points of the MOLISA kernel."""
from __future__ import annotations

from ckan.plugins.interfaces import Interface


class IMolisaVisibility(Interface):
    """What a user may see of a dataset.

    :func:`ckanext.molisa.visibility.visible_dataset` is the one function that
    every path out of the portal uses (package and resource show, search and
    its raw fields, activities, the DCAT documents and feeds built on them,
    resource search, lists of datasets with their resources); it asks every
    implementation in turn. An implementation reduces, in place, the datasets
    it knows about to an allow-list of what the user may see, and leaves
    others alone.
    """

    def molisa_visible_dataset(self, context: dict, pkg_dict: dict,
                               snapshot: bool = False) -> None:
        """Reduce ``pkg_dict`` in place to what the context's user may see.

        :param pkg_dict: a dataset as ``package_show`` gives it, a search
            result (possibly with raw index fields asked for with ``fl``), or
            an activity's copy of an earlier version
        :param snapshot: the dict is an activity's copy of an earlier version
            (judge it by the stricter of then and now)
        """
