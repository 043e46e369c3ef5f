"""Protocol files: find them (shipped, CARTPLAN_PROTOCOL_PATH, or a path), parse, validate."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from cartplan.errors import InputError, ProtocolError
from cartplan.protocol import Protocol

SUFFIXES = (".yaml", ".yml")
PATH_ENV = "CARTPLAN_PROTOCOL_PATH"


@dataclass(frozen=True)
class Source:
    """Where a protocol comes from: the id and the file it was read from."""

    id: str
    path: Path
    shipped: bool


def search_dirs() -> list[tuple[Path, bool]]:
    """Directories searched for protocol ids: the user's (CARTPLAN_PROTOCOL_PATH) before ours."""
    dirs = [(Path(d), False) for d in os.environ.get(PATH_ENV, "").split(os.pathsep) if d]
    shipped = resources.files("cartplan.protocols")
    dirs.append((Path(str(shipped)), True))
    return dirs


def available() -> list[Source]:
    """Every protocol id that --protocol accepts, first directory winning."""
    seen: dict[str, Source] = {}
    for d, shipped in search_dirs():
        if not d.is_dir():
            continue
        for f in sorted(d.iterdir()):
            if f.suffix in SUFFIXES and not f.name.startswith(("_", ".")):
                seen.setdefault(f.stem, Source(f.stem, f, shipped))
    return sorted(seen.values(), key=lambda s: s.id)


def find(spec: str) -> Source:
    """A protocol by id, or by path when `spec` names a file."""
    if spec.endswith(SUFFIXES) or os.sep in spec or "/" in spec:
        path = Path(spec)
        if not path.is_file():
            raise InputError(f"--protocol {spec}: no such protocol file")
        return Source(path.stem, path, False)
    for source in available():
        if source.id == spec:
            return source
    known = ", ".join(s.id for s in available()) or "none"
    raise InputError(f"--protocol {spec}: unknown protocol (known: {known}; or give a .yaml path)")


def load(spec: str | Path) -> Protocol:
    """Parse and validate a protocol; ProtocolError lists each problem with file and field."""
    source = find(str(spec))
    return parse(source.path)


def parse(path: Path) -> Protocol:
    from pydantic import ValidationError

    from cartplan.validation import validate

    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ProtocolError([f"{path}: a protocol file holds a mapping (id:, version:, steps: …)"])
    try:
        protocol = Protocol.model_validate(data)
    except ValidationError as e:
        raise ProtocolError(
            [f"{path}: {_where(data, err['loc'])}: {_message(err)}" for err in e.errors()]
        ) from None
    problems = validate(protocol)
    if protocol.id != path.stem:
        problems.insert(0, f"id: '{protocol.id}' does not match the file name '{path.name}'")
    if problems:
        raise ProtocolError([f"{path}: {p}" for p in problems])
    return protocol


def read_yaml(path: Path) -> Any:
    import yaml

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[valid-type,misc]
        """Safe loading that refuses duplicate keys, which YAML would silently overwrite."""

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        keys = [loader.construct_object(k) for k, _ in node.value]
        for k in keys:
            if keys.count(k) > 1:
                line = node.start_mark.line + 1
                raise ProtocolError([f"{path}:{line}: key '{k}' appears twice in one mapping"])
        return loader.construct_mapping(node)

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise InputError(f"{path}: cannot read ({e.__class__.__name__}: {e})") from None
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader is a SafeLoader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(e, "problem", None) or str(e)
        raise ProtocolError([f"{where}: not valid YAML ({problem})"]) from None


def _where(data: Any, loc: tuple[int | str, ...]) -> str:
    """A pydantic error location with list indexes replaced by the item's id where it has one."""
    parts: list[str] = []
    node = data
    for key in loc:
        if isinstance(key, int) and isinstance(node, list) and key < len(node):
            item = node[key]
            label = item.get("id") or item.get("name") if isinstance(item, dict) else None
            parts[-1:] = [f"{parts[-1] if parts else ''}[{label if label else key}]"]
            node = item
        else:
            parts.append(str(key))
            node = node.get(key) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def _message(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown field (see `cartplan protocols schema` for the allowed ones)"
    if kind == "missing":
        return "required field is missing"
    value = err.get("input")
    shown = f" (got {value!r})" if not isinstance(value, dict | list) else ""
    return f"{err['msg']}{shown}"
