"""The sharing records as the actions return them (plain dicts), and the
dataset facts they carry (as ``ckanext/activity/model/activity.py`` keeps the
activity's dictization beside its model)."""
from __future__ import annotations

from typing import Any, Iterable, Optional

from ckan import model

from ckanext.molisa_sharing.model import (
    Grant, Inbound, Request, UsageReport, grant_effective_state, now, queries)


def sharing_fee(value: Any) -> int:
    """A dataset's ``sharing_fee`` as a whole number of VND (0: free, or not
    a number)."""
    try:
        return max(int(value or 0), 0)
    except (TypeError, ValueError):
        return 0


def package_fee(pkg: model.Package) -> int:
    return sharing_fee(pkg.extras.get("sharing_fee"))


def org_title(org_id: Optional[str]) -> str:
    """A unit's display name ('' if there is none)."""
    org = model.Group.get(org_id) if org_id else None
    return org.display_name if org is not None else ""


def user_name(user_id: Optional[str]) -> Optional[str]:
    user = model.User.get(user_id) if user_id else None
    return user.name if user else None


def dataset_summaries(ids: Optional[Iterable[str]]) -> list[dict[str, Any]]:
    """Id, name, titles, access level and fee of each dataset that still exists."""
    result = []
    for pkg_id in ids or []:
        pkg = model.Package.get(pkg_id)
        if pkg is None:
            continue
        extras = pkg.extras
        result.append({"id": pkg.id, "name": pkg.name, "title": pkg.title,
                       "title_en": extras.get("title_en") or "",
                       "access_level": extras.get("access_level") or "",
                       "sharing_fee": package_fee(pkg)})
    return result


def is_overdue(req: Request) -> bool:
    """A submitted request whose decision is past due."""
    return req.state == "submitted" and req.due_at is not None and now() > req.due_at


def request_dictize(req: Request) -> dict[str, Any]:
    data = req.as_dict()
    data["overdue"] = is_overdue(req)
    data["owner_org_title"] = org_title(req.owner_org)
    data["dataset_list"] = dataset_summaries(req.datasets)
    data["creator_name"] = user_name(req.creator_id)
    data["attachments"] = [{k: v for k, v in a.items() if k != "path"}
                           for a in req.attachments or []]
    return data


def usage_report_dictize(report: UsageReport) -> dict[str, Any]:
    data = report.as_dict()
    data["overdue"] = report.answer is None and now() > report.due_at
    return data


def grant_dictize(grant: Grant) -> dict[str, Any]:
    data = grant.as_dict()
    data["effective_state"] = grant_effective_state(grant)
    data["owner_org_title"] = org_title(grant.owner_org)
    data["dataset_list"] = dataset_summaries(grant.datasets)
    data["holder_name"] = user_name(grant.holder_id)
    data["usage_reports"] = [usage_report_dictize(r) for r in queries.usage_reports(grant)]
    data["tokens"] = [{"id": t.id, "name": t.name, "created_at": t.created_at.isoformat()}
                      for t in queries.grant_tokens(grant)]
    return data


def inbound_dictize(inbound: Inbound) -> dict[str, Any]:
    data = inbound.as_dict()
    data["owner_org_title"] = org_title(inbound.owner_org)
    return data


def register_entry(grant: Grant, individual: bool, holder_label: str) -> dict[str, Any]:
    """A grant as the public register shows it: no personal contact data,
    and an individual is not named (``holder_label`` stands for them)."""
    datasets = [{k: d[k] for k in ("id", "name", "title", "title_en")}
                for d in dataset_summaries(grant.datasets)]
    return {
        "id": grant.id, "kind": grant.kind,
        "holder": holder_label if individual else grant.organization,
        "unit": org_title(grant.owner_org), "owner_org": grant.owner_org,
        "datasets": datasets, "purpose": grant.purpose,
        "period_start": grant.period_start.isoformat(),
        "period_end": grant.period_end.isoformat(),
        "granted": grant.created.date().isoformat(),
    }
