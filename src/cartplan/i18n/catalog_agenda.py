"""Message templates of the centre's view: resource clashes and the earliest fitting start
(cartplan.agenda)."""

from __future__ import annotations

from cartplan.i18n.marker import N_

AGENDA: dict[str, str] = {
    "agenda.fit.as_asked": N_("fits every resource from {start:iso} as asked"),
    "agenda.fit.moved": N_(
        "starts {start:iso}, {n:day|days} later than asked: {resource} was full on {on:iso} "
        "({demand} patients for {capacity})"
    ),
    "agenda.fit.none": N_(
        "no start from {asked:iso} to {n:day|days} later fits every resource (last full: "
        "{resource})"
    ),
}
