"""gettext's extraction marker for the catalogues."""


def N_(text: str) -> str:
    return text
