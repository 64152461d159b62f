"""The submitter is told of each moderation decision, through the kernel's
``ckanext.molisa.mail`` (CKAN's mailer, the real SMTP server), in the
portal's language (Vietnamese; the portal keeps no language per person)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import mail
from ckanext.molisa.model.wiki import CHANGES_REQUESTED, PUBLISHED, REJECTED, Reuse, Submission

from . import labels


def _send(user_id: str, state: str, title: str, reason, texts: dict, link: str) -> int:
    """The decision (``texts[state]``) on ``title``, its reason and a link,
    to the account that submitted it."""
    user = model.User.get(user_id)
    if user is None or not user.email:
        return 0
    lines = [texts[state].format(title=title)]
    if reason:
        lines += ["", tk._("Reason: {reason}").format(reason=reason)]
    lines += ["", link]
    subject = "[WikiMolisa] " + labels.state_label(state) + ": " + title
    return mail.send([(user.display_name, user.email)], subject, "\n".join(lines),
                     what="WikiMolisa mail")


@mail.in_portal_locale
def decided(submission: Submission) -> int:
    """The decision on a submission, with its reason and page, to its submitter."""
    pkg = model.Package.get(submission.package_id)
    if pkg is None:
        return 0
    return _send(submission.submitter_id, submission.state, pkg.title, submission.reason, {
        PUBLISHED: tk._("Your data \"{title}\" has been published in WikiMolisa."),
        CHANGES_REQUESTED: tk._("The moderators ask you to change your data \"{title}\" "
                                "before it can be published."),
        REJECTED: tk._("Your data \"{title}\" has not been accepted in WikiMolisa."),
    }, tk._("Your submission: {url}").format(
        url=tk.url_for("molisa_wiki.read", id=submission.id, _external=True)))


@mail.in_portal_locale
def reuse_decided(reuse: Reuse) -> int:
    """The decision on a reuse, with its reason and the dataset, to its submitter."""
    pkg = model.Package.get(reuse.package_id)
    if pkg is None:
        return 0
    return _send(reuse.submitter_id, reuse.state, reuse.title, reuse.reason, {
        PUBLISHED: tk._("Your reuse \"{title}\" is now shown on the dataset."),
        CHANGES_REQUESTED: tk._("The moderators ask you to change your reuse \"{title}\"."),
        REJECTED: tk._("Your reuse \"{title}\" has not been accepted."),
    }, tk._("The dataset: {url}").format(
        url=tk.url_for("dataset.read", id=pkg.name, _external=True)))
