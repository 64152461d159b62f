"""The stored files of community datasets, and purging a dataset with them:
CKAN's ``dataset_purge`` removes the rows and the index entry but leaves an
uploaded file on disk, so a submission that failed halfway and a rejected
one past its keeping time would leave files nobody can reach."""
from __future__ import annotations

import os
from typing import Iterable, Optional

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.lib import uploader


def resource_ids(package_id: str) -> list[str]:
    """Every resource of the dataset, deleted ones too."""
    return [row[0] for row in model.Session.query(model.Resource.id).filter(
        model.Resource.package_id == package_id)]


def remove_stored(ids: Iterable[str]) -> None:
    """Delete the stored files of these resources, and their directories once
    empty."""
    for resource_id in ids:
        path = uploader.get_resource_uploader({"id": resource_id}).get_path(resource_id)
        for candidate in (path, path + "~"):
            try:
                os.remove(candidate)
            except OSError:
                pass
        for directory in (os.path.dirname(path), os.path.dirname(os.path.dirname(path))):
            try:
                os.rmdir(directory)                 # only when empty
            except OSError:
                break


def purge(site: dict, package_id: Optional[str]) -> bool:
    """Purge the dataset, its resources, their files and its index entry;
    False when there was nothing to purge."""
    if not package_id or model.Package.get(package_id) is None:
        return False
    ids = resource_ids(package_id)
    tk.get_action("dataset_purge")(dict(site), {"id": package_id})
    remove_stored(ids)
    return True
