"""English templates of every message code: the source text that translations start from.

Each template is a str.format pattern over the message's parameters. It is also the gettext
msgid: translations (Babel catalogues in i18n/locale) map these exact strings to another
language. Keep them short, concrete and free of command-line flags (the CLI adds those).
One module per area keeps the codes next to their kin: `catalog_<area>.py` holds a dict.
"""

from __future__ import annotations

from cartplan.i18n.catalog_agenda import AGENDA
from cartplan.i18n.catalog_lifecycle import LIFECYCLE
from cartplan.i18n.catalog_patient import PATIENT
from cartplan.i18n.catalog_protocol import PROTOCOL
from cartplan.i18n.catalog_schedule import SCHEDULE

TEMPLATES: dict[str, str] = {**PROTOCOL, **PATIENT, **SCHEDULE, **LIFECYCLE, **AGENDA}
