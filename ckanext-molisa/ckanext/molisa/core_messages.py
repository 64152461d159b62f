"""Messages of CKAN's own templates that CKAN's Vietnamese catalogue leaves
untranslated (the home page's search box, "There is no description for this
organization.") or translates awkwardly (the dataset search's count, "1 số bộ
dữ liệu tìm thấy"); the later ones are those the language crawl
(tests/test_languages.py) found on the pages a visitor or a unit editor sees.
Listed here so that extraction puts them in this extension's catalogues, which
CKAN merges over its own. Nothing calls this module at run time."""


def N_(message: str) -> str:  # noqa: N802 - the conventional marker name
    return message


def ungettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


MESSAGES = (
    N_("Search data"),
    N_("E.g. environment"),
    N_('No datasets found for "{query}"'),
    N_("No datasets found"),
    ungettext('{number} dataset found for "{query}"',
              '{number} datasets found for "{query}"', 2),
    ungettext("{number} dataset found", "{number} datasets found", 2),
    # found by the language crawl (tests/test_languages.py) on the pages a
    # visitor or a unit editor sees
    N_('There is no description for this organization.'),
    N_('Navigate to Home - {site_title}'),
    N_('Search datasets with the tag: {tag}'),
    N_('CKAN Association'),
    N_('CSV'),
    N_('Facebook'),
    N_('Search Datasets...'),
    N_('Search datasets'),
    N_('Skip to main content'),
    N_('Toggle navigation'),
    N_('Breadcrumb'),
    N_('Filter by: {title}'),
    N_('Search datasets by {name}: {label}'),
    N_('close'),
    N_('Remove applied filter: {value}'),
    N_('{actor} created the {dataset_type} {dataset}'),
    N_('{actor} updated the {dataset_type} {dataset}'),
    N_('Activity occurred on: {time}'),
    N_('All activity types'),
    N_('There are no groups associated with this dataset.'),
    N_('Resource URL: {url}'),
    N_('Current resource: {name}'),
    N_('Data last updated'),
    N_('Metadata last updated'),
    N_('Position'),
    N_('Size'),
    N_('State'),
    N_('Dataset description:'),
    N_('Navigate to resource: {name_or_id}'),
    N_('There are currently no groups for this site.'),
    N_('Last Updated'),
    N_('Open details page for {name}'),
    N_('Username or Email'),
    N_('Profile picture'),
    N_('Profile picture URL'),
    N_('username'),
    N_('Email or username'),
    N_('Enter your email address or username into the box and we will send you an email '
       'with a link to enter a new password.'),
    N_('Request Reset'),
    N_('Profile settings'),
    N_('View this version'),
    N_('Added resource {resource_link} to {pkg_link}'),
    N_('Show metadata diff'),
    N_('Open Data Commons Attribution License'),
    N_('Open Data Commons Open Database License (ODbL)'),
    N_('Reorder resources'),
    N_('Unpublish'),
    N_('This dataset has no data'),
    N_('Data'),
    N_('New view'),
    N_('This resource has no views'),
    N_('Here are some reasons you may not be seeing expected views:'),
    N_('If a view requires the DataStore, the DataStore plugin may not be enabled, or '
       "the data may not have been pushed to the DataStore, or the DataStore hasn't "
       'finished processing the data yet'),
    N_('No view has been created that is suitable for this resource'),
    N_('The site administrators may not have enabled the relevant view plugins'),
    N_('No activity found for this type'),
    N_('Create API Token'),
    N_('Last access'),
    N_('Revoke tokens'),
    N_('Token'),
    N_('API Tokens'),
    N_('This information is visible to you and admins'),
    N_('Old Password'),
    N_("User isn't a member of any groups."),
    N_('Navigate to resource: {name}'),
    N_('Search datasets with the tag: {name}'),
    N_('Search followee'),
    N_('View changes from %(old_select)s to %(new_select)s'),
    N_("You're currently viewing an old version of this dataset. Data files may not "
       'match the old version of the metadata. <a href="%(url)s">View the current '
       'version</a>.'),
    # the resource page's field names (scheming/package/resource_read.html)
    N_('Id'),
    N_('Datastore active'),
    N_('Has views'),
    N_('Mimetype'),
    N_('Package id'),
    N_('Url type'),
)
