"""Messages of CKAN's own templates that CKAN's Vietnamese catalogue leaves
untranslated (the home page's search box): listed here so that extraction
puts them in this extension's catalogues, which CKAN reads before its own.
Nothing calls this module at run time."""


def N_(message: str) -> str:  # noqa: N802 - the conventional marker name
    return message


MESSAGES = (
    N_("Search data"),
    N_("E.g. environment"),
)
