"""Protocol texts in the reader's language: one gettext catalogue per protocol and language.

A protocol file `DIR/<id>.yaml` is translated by `DIR/i18n/<lang>/<id>.po` (the shipped ones
ship theirs in the wheel; a centre's own protocol keeps its translations beside it the same
way). Each msgid is an English text exactly as the YAML writes it; the msgstr is the text the
reader sees. What is translatable (`texts()`): the protocol's title and warning, team names,
each step's title, description and assumption, checklist item texts and the values they
record, escalation criteria and actions, dose notes and renal or weight rules, the cell
product, constraint descriptions (named when a plan cannot meet them) and the shift names.
Drug names, doses, units, ids and references stay as written.

A text without a translation (missing, empty or fuzzy in the .po) is shown in English behind
the mark ‹EN›, so a reader sees at once what nobody translated; `cartplan protocols validate
--lang zh-CN` lists every such text, one line each. The default shift names (Early, Late,
Night) are cartplan's own words, translated by its main catalogue.

The catalogues are read with Babel, which loads only when a language other than English is
asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cartplan.errors import InputError
from cartplan.i18n.marker import N_

if TYPE_CHECKING:
    from cartplan.protocol.format import Protocol
    from cartplan.schedule.plan import Plan

MARK = "‹EN› "  # before an English text that has no translation
FOLDER = "i18n"
DEFAULT_SHIFT_NAMES = (N_("Early"), N_("Late"), N_("Night"))


class Text(NamedTuple):
    where: str  # e.g. "steps[crs-watch].escalation[2].action"
    text: str  # the English text, as in the YAML


def texts(p: Protocol) -> list[Text]:
    """Every translatable text of the protocol, in file order (repeats included)."""
    return [Text(w, t) for w, t in _walk(p) if t]


def _walk(p: Protocol) -> Iterator[tuple[str, str]]:
    yield "title", p.title
    if p.warning:
        yield "warning", p.warning
    for t in p.teams:
        yield f"teams[{t.id}].name", t.name
    for s in p.steps:
        at = f"steps[{s.id}]"
        yield f"{at}.title", s.title
        yield f"{at}.description", s.description
        yield f"{at}.assumption", s.assumption or ""
        for i, c in enumerate(s.checklist):
            yield f"{at}.checklist[{i}].text", c.text
            for j, r in enumerate(c.record):
                yield f"{at}.checklist[{i}].record[{j}]", r
        for i, x in enumerate(s.escalation):
            yield f"{at}.escalation[{i}].criterion", x.criterion
            yield f"{at}.escalation[{i}].action", x.action
        for d in s.regimen:
            yield f"{at}.regimen[{d.agent}].note", d.note
            for i, band in enumerate(d.renal):
                yield f"{at}.regimen[{d.agent}].renal[{i}].rule", band.rule
            for i, w in enumerate(d.weight):
                yield f"{at}.regimen[{d.agent}].weight[{i}].rule", w.rule
        if s.cell_dose is not None:
            yield f"{at}.cell_dose.product", s.cell_dose.product
    for k in p.constraints:
        yield f"constraints[{k.id}].description", k.description
    if custom_shifts(p):
        for sh in p.shifts:
            yield f"shifts[{sh.name}].name", sh.name


def custom_shifts(p: Protocol) -> bool:
    """True when the file names its own shifts (else cartplan's defaults, its own words)."""
    return "shifts" in p.model_fields_set


def path_for(protocol_file: Path, protocol_id: str, lang: str) -> Path:
    return protocol_file.parent / FOLDER / lang / f"{protocol_id}.po"


def read(path: Path) -> dict[str, str] | None:
    """msgid -> msgstr of the translated, non-fuzzy entries; None when there is no file."""
    from cartplan.sources.files import MiB, read_input

    if not path.exists():
        return None
    raw = read_input(path, MiB)
    from babel.messages.pofile import PoFileError, read_po

    try:
        cat = read_po(_Lines(raw), abort_invalid=True, charset="utf-8")
    except (PoFileError, UnicodeDecodeError, ValueError) as e:
        raise InputError(f"{path}: not a readable gettext catalogue ({e})") from None
    out = {}
    for m in cat:
        if m.id and isinstance(m.id, str) and isinstance(m.string, str) and m.string:
            if not m.fuzzy:
                out[m.id] = m.string
    return out


class _Lines:
    """Bytes as the line iterator read_po expects."""

    def __init__(self, raw: bytes) -> None:
        self.lines = raw.splitlines(keepends=True)

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.lines)


class Translation:
    """A protocol's texts in one language: translated, or English behind ‹EN›."""

    def __init__(self, lang: str, strings: dict[str, str], words: Callable[[str], str]) -> None:
        self.lang = lang
        self.strings = strings
        self.words = words  # cartplan's own catalogue (default shift names)

    def __call__(self, text: str) -> str:
        if not text:
            return text
        found = self.strings.get(text)
        return found if found is not None else MARK + text

    def own(self, text: str) -> str:
        """One of cartplan's own words (a default shift name)."""
        return self.words(text)


def load(protocol_file: Path, protocol_id: str, lang: str) -> Translation:
    from cartplan.i18n import words

    strings = read(path_for(protocol_file, protocol_id, lang))
    return Translation(lang, strings or {}, words(lang))


def missing(p: Protocol, strings: dict[str, str]) -> list[Text]:
    """Texts without a translation, each once (at its first place)."""
    seen: set[str] = set()
    out = []
    for t in texts(p):
        if t.text not in strings and t.text not in seen:
            seen.add(t.text)
            out.append(t)
    return out


def unused(p: Protocol, strings: dict[str, str]) -> list[str]:
    """Translations of texts the protocol no longer has (an English text changed)."""
    known = {t.text for t in texts(p)}
    return [k for k in strings if k not in known]


def _copy(model: Any, **update: Any) -> Any:
    return model.model_copy(update=update)


def translate(p: Protocol, tr: Translation) -> Protocol:
    """The protocol with every translatable text in the reader's language."""
    steps = []
    for s in p.steps:
        regimen = [
            _copy(
                d,
                note=tr(d.note),
                renal=[_copy(r, rule=tr(r.rule)) for r in d.renal],
                weight=[_copy(w, rule=tr(w.rule)) for w in d.weight],
            )
            for d in s.regimen
        ]
        steps.append(
            _copy(
                s,
                title=tr(s.title),
                description=tr(s.description),
                assumption=tr(s.assumption) if s.assumption else s.assumption,
                checklist=[
                    _copy(c, text=tr(c.text), record=[tr(r) for r in c.record]) for c in s.checklist
                ],
                escalation=[
                    _copy(x, criterion=tr(x.criterion), action=tr(x.action)) for x in s.escalation
                ],
                regimen=regimen,
                cell_dose=(
                    _copy(s.cell_dose, product=tr(s.cell_dose.product))
                    if s.cell_dose is not None
                    else None
                ),
            )
        )
    name = tr if custom_shifts(p) else tr.own
    out: Protocol = _copy(
        p,
        title=tr(p.title),
        warning=tr(p.warning) if p.warning else p.warning,
        teams=[_copy(t, name=tr(t.name)) for t in p.teams],
        steps=steps,
        constraints=[_copy(c, description=tr(c.description)) for c in p.constraints],
        shifts=[_copy(sh, name=name(sh.name)) for sh in p.shifts],
    )
    return out


def localize(plan: Plan, tr: Translation) -> Plan:
    """The plan as a reader of `tr.lang` sees it: protocol texts translated everywhere the
    views read them (steps of events, doses' notes and rules, the protocol's warning). Dates,
    ids and numbers are unchanged."""
    p = translate(plan.protocol, tr)
    steps = {s.id: s for s in p.steps}
    events = tuple(e._replace(step=steps[e.step.id]) for e in plan.events)
    warnings = tuple(
        tr(w) if isinstance(w, str) and plan.protocol.warning and w == plan.protocol.warning else w
        for w in plan.warnings
    )
    dosing = plan.dosing
    if dosing is not None:
        doses = tuple(
            d._replace(
                note=tr(d.note),
                adjustment=(
                    d.adjustment._replace(rule=tr(d.adjustment.rule))
                    if d.adjustment is not None
                    else None
                ),
            )
            for d in dosing.doses
        )
        dosing = dosing._replace(doses=doses)
    return plan._replace(protocol=p, events=events, warnings=warnings, dosing=dosing)
