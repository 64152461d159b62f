"""Messages that CKAN's own templates build from the dataset type's name
(``_(dataset_type.title())``, ``'{number} ' + type + 's found'``): listed here
so that extraction puts them in the catalogues and "molisa_dataset" reads
"Bộ dữ liệu" / "Dataset". Nothing calls this module at run time."""


def N_(message: str) -> str:  # noqa: N802 - the conventional marker name
    return message


def ungettext(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


MESSAGES = (
    N_("Molisa_Dataset"),
    N_("Molisa_Datasets"),
    N_('No molisa_datasets found for "{query}"'),
    N_("No molisa_datasets found"),
    ungettext('{number} molisa_dataset found for "{query}"',
              '{number} molisa_datasets found for "{query}"', 2),
    ungettext("{number} molisa_dataset found", "{number} molisa_datasets found", 2),
)
