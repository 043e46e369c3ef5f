"""Keep a protocol's translation files in step with its YAML (for protocol authors).

    python -m cartplan.i18n.po_tool --lang zh-CN protocols/lupus-flucy.yaml [more.yaml …]

writes `i18n/<lang>/<id>.po` beside each protocol file: one entry per translatable text (see
cartplan.i18n.protocols.texts), in file order, each with the places it appears as a comment.
Translations already in that file are kept; a text translated in another protocol's file of
the same folder (or in a `--memory` catalogue) is filled in from there, so a shared checklist
item is translated once. Entries of texts the protocol no longer has are dropped. New texts
stay untranslated: `cartplan protocols validate --lang <lang>` lists them, and the outputs show
them in English behind ‹EN› until someone translates them.
"""

from __future__ import annotations

import argparse
import io
from pathlib import Path

from cartplan.i18n import locale_name
from cartplan.i18n.protocols import path_for, read, texts


def memory_of(folder: Path, extra: list[Path]) -> dict[str, str]:
    """Every translation in the .po files of `folder` and in `extra`."""
    out: dict[str, str] = {}
    for po in [*sorted(folder.glob("*.po")), *extra] if folder.is_dir() else extra:
        out.update(read(po) or {})
    return out


def render(protocol_file: Path, lang: str, memory: dict[str, str]) -> bytes:
    """The .po text for one protocol file."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from cartplan.sources import catalogue

    protocol = catalogue.parse(protocol_file)
    old = read(path_for(protocol_file, protocol.id, lang)) or {}
    cat = Catalog(
        locale=locale_name(lang),
        project=protocol.id,
        version=protocol.version,
        copyright_holder="cartplan authors",
        charset="utf-8",
        fuzzy=False,
        last_translator="cartplan authors",
        language_team=f"{lang}",
    )
    places: dict[str, list[str]] = {}
    for t in texts(protocol):
        places.setdefault(t.text, []).append(t.where)
    for text, where in places.items():
        shown = where if len(where) <= 3 else [*where[:3], f"… and {len(where) - 3} more"]
        cat.add(text, old.get(text) or memory.get(text) or "", auto_comments=shown)
    buf = io.BytesIO()
    write_po(buf, cat, width=0, omit_header=False, include_previous=False)
    # no dates or placeholder names: the same protocol and translations give the same bytes
    noise = (b"POT-Creation-Date", b"PO-Revision-Date", b"Report-Msgid-Bugs-To", b"# FIRST")
    lines = buf.getvalue().splitlines(keepends=True)
    return b"".join(x for x in lines if not x.lstrip(b'"').startswith(noise))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cartplan.i18n.po_tool", description=__doc__)
    parser.add_argument("--lang", required=True, help="language tag, e.g. zh-CN")
    parser.add_argument("--memory", type=Path, action="append", default=[], help="a .po to reuse")
    parser.add_argument("files", type=Path, nargs="+", help="protocol .yaml files")
    args = parser.parse_args(argv)
    for f in args.files:
        target = f.parent / "i18n" / args.lang
        data = render(f, args.lang, memory_of(target, args.memory))
        target.mkdir(parents=True, exist_ok=True)
        out = target / f"{f.stem}.po"
        out.write_bytes(data)
        print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
