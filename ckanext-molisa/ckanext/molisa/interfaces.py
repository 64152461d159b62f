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


class IMolisaSubjects(Interface):
    """Who a logged-in user is in the sector data ("My data").

    :func:`ckanext.molisa.subjects.subject_of` asks every implementation in
    turn: the identity plugin answers for an account bound to the national
    e-ID, from the personal identification number of the verified ID token.
    Never from anything the user sends.
    """

    def molisa_subject_hash(self, user_id: str) -> str | None:
        """The keyed hash (:func:`ckanext.molisa.subjects.subject_hash`) of
        the personal identification number verified for this account, or
        None when this plugin knows none."""
