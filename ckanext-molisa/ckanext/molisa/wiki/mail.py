"""The submitter is told of each moderation decision, through the kernel's
``ckanext.molisa.mail`` (CKAN's mailer, the real SMTP server), in the
portal's language (Vietnamese; the portal keeps no language per person)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.molisa import mail
from ckanext.molisa.model.wiki import CHANGES_REQUESTED, PUBLISHED, REJECTED, Reuse, Submission

from . import labels


@mail.in_portal_locale
def decided(submission: Submission) -> int:
    """The decision on a submission, with its reason and page, to its submitter."""
    user = model.User.get(submission.submitter_id)
    pkg = model.Package.get(submission.package_id)
    if user is None or not user.email or pkg is None:
        return 0
    text = {
        PUBLISHED: tk._("Your data \"{title}\" has been published in WikiMolisa."),
        CHANGES_REQUESTED: tk._("The moderators ask you to change your data \"{title}\" "
                                "before it can be published."),
        REJECTED: tk._("Your data \"{title}\" has not been accepted in WikiMolisa."),
    }[submission.state].format(title=pkg.title)
    lines = [text]
    if submission.reason:
        lines += ["", tk._("Reason: {reason}").format(reason=submission.reason)]
    lines += ["", tk._("Your submission: {url}").format(
        url=tk.url_for("molisa_wiki.read", id=submission.id, _external=True))]
    subject = "[WikiMolisa] " + labels.state_label(submission.state) + ": " + pkg.title
    return mail.send([(user.display_name, user.email)], subject, "\n".join(lines),
                     what="WikiMolisa mail")


@mail.in_portal_locale
def reuse_decided(reuse: Reuse) -> int:
    """The decision on a reuse, with its reason and the dataset, to its submitter."""
    user = model.User.get(reuse.submitter_id)
    pkg = model.Package.get(reuse.package_id)
    if user is None or not user.email or pkg is None:
        return 0
    text = {
        PUBLISHED: tk._("Your reuse \"{title}\" is now shown on the dataset."),
        CHANGES_REQUESTED: tk._("The moderators ask you to change your reuse \"{title}\"."),
        REJECTED: tk._("Your reuse \"{title}\" has not been accepted."),
    }[reuse.state].format(title=reuse.title)
    lines = [text]
    if reuse.reason:
        lines += ["", tk._("Reason: {reason}").format(reason=reuse.reason)]
    lines += ["", tk._("The dataset: {url}").format(
        url=tk.url_for("dataset.read", id=pkg.name, _external=True))]
    subject = "[WikiMolisa] " + labels.state_label(reuse.state) + ": " + reuse.title
    return mail.send([(user.display_name, user.email)], subject, "\n".join(lines),
                     what="WikiMolisa mail")
