"""Message templates of the protocol format and its rules (cartplan.protocol)."""

from __future__ import annotations

from cartplan.i18n.marker import N_

PROTOCOL: dict[str, str] = {
    "parameter.unknown": N_("protocol {protocol} has no parameter '{name}' (known: {known})"),
    "parameter.out_of_range": N_("{name}={value}: out of range; allowed {min}–{max} {unit}"),
    "parameter.unknown_reference": N_("{protocol}: unknown parameter reference '{value}'"),
    "steps.cycle": N_("steps caught in a dependency cycle (or waiting on one): {steps}"),
}
