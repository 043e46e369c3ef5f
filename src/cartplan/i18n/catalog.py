"""English templates of every message code: the source text that translations start from.

Each template is a str.format pattern over the message's parameters. It is also the gettext
msgid: translations (Babel catalogues in i18n/locale) map these exact strings to another
language. Keep them short, concrete and free of command-line flags (the CLI adds those).
"""

from __future__ import annotations


def N_(text: str) -> str:  # gettext's conventional marker for extraction
    return text


TEMPLATES: dict[str, str] = {
    # protocol/graph
    "parameter.unknown": N_("protocol {protocol} has no parameter '{name}' (known: {known})"),
    "parameter.out_of_range": N_("{name}={value}: out of range; allowed {min}–{max} {unit}"),
    "parameter.unknown_reference": N_("{protocol}: unknown parameter reference '{value}'"),
    "steps.cycle": N_("steps caught in a dependency cycle (or waiting on one): {steps}"),
}
