"""Messages of CKAN's own templates that CKAN's Vietnamese catalogue leaves
untranslated (the home page's search box) or translates awkwardly (the
dataset search's count, "1 số bộ dữ liệu tìm thấy"): listed here so that
extraction puts them in this extension's catalogues, which CKAN reads before
its own. Nothing calls this module at run time."""


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
)
