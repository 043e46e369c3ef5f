"""Protocol files: find them (shipped, CARTPLAN_PROTOCOL_PATH, or a path), parse, validate."""

from __future__ import annotations

import functools
import os
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cartplan import __version__
from cartplan.errors import InputError, ProtocolError
from cartplan.protocol import Protocol

if TYPE_CHECKING:
    from cartplan.patient import WashoutTable

SUFFIXES = (".yaml", ".yml")
PATH_ENV = "CARTPLAN_PROTOCOL_PATH"
CACHE_ENV = "CARTPLAN_CACHE_DIR"  # a folder, or "off"
_FORMAT_CODE = ("protocol.py", "validation.py", "engine.py", "library.py")


class Source(NamedTuple):
    """Where a protocol comes from: the id and the file it was read from."""

    id: str
    path: Path
    shipped: bool


def search_dirs() -> list[tuple[Path, bool]]:
    """Directories searched for protocol ids: the user's (CARTPLAN_PROTOCOL_PATH) before ours."""
    dirs = [(Path(d), False) for d in os.environ.get(PATH_ENV, "").split(os.pathsep) if d]
    # find_spec works for wheels and editable installs alike, without importlib.resources' cost
    spec = find_spec("cartplan.protocols")
    for location in (spec.submodule_search_locations or []) if spec else []:
        dirs.append((Path(location), True))
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
    """A validated protocol from its file.

    Start-up time is a feature: a cache of earlier validations skips YAML, pydantic's validator
    build and the rule checks when the file, its name and the format's code are unchanged.
    """
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.__class__.__name__}: {e})") from None
    cached = _cache_file(path, raw)
    if cached is not None and cached.is_file():
        import pickle

        try:
            # Our own dump of a model validated from these exact bytes by this exact code; the
            # folder is the user's own cache, as writable to an attacker as their shell profile.
            protocol = pickle.loads(cached.read_bytes())  # noqa: S301
        except Exception:  # noqa: BLE001 - a broken cache only costs speed
            protocol = None
        if isinstance(protocol, Protocol):
            return protocol
    protocol = _parse_and_validate(path)
    if cached is not None:
        _write_cache(cached, protocol)
    return protocol


def cache_dir() -> Path | None:
    if os.environ.get(CACHE_ENV) == "off":
        return None
    if custom := os.environ.get(CACHE_ENV):
        return Path(custom)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cartplan"


def _cache_file(path: Path, raw: bytes) -> Path | None:
    import hashlib

    import pydantic

    folder = cache_dir()
    if folder is None:
        return None
    h = hashlib.sha256(raw)
    h.update(path.name.encode())
    h.update(f"{__version__} {pydantic.VERSION}".encode())
    h.update(_format_code_digest())
    return folder / f"{h.hexdigest()[:32]}.pickle"


@functools.cache
def _format_code_digest() -> bytes:
    """Digest of the code that parses and checks protocols: a change invalidates the cache."""
    import hashlib

    h = hashlib.sha256()
    for code in _FORMAT_CODE:
        h.update((Path(__file__).parent / code).read_bytes())
    return h.digest()


def _write_cache(target: Path, protocol: Protocol) -> None:
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        import pickle

        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_bytes(pickle.dumps(protocol, protocol=pickle.HIGHEST_PROTOCOL))
        tmp.replace(target)
    except OSError:
        pass  # a read-only home only costs speed


def _parse_and_validate(path: Path) -> Protocol:
    from pydantic import ValidationError

    from cartplan.validation import validate

    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ProtocolError([f"{path}: a protocol file holds a mapping (id:, version:, steps: …)"])
    try:
        protocol = Protocol.model_validate(data)
    except ValidationError as e:
        raise ProtocolError(
            [f"{path}: {field_path(data, err['loc'])}: {error_text(err)}" for err in e.errors()]
        ) from None
    problems = validate(protocol)
    if protocol.id != path.stem:
        problems.insert(0, f"id: '{protocol.id}' does not match the file name '{path.name}'")
    if problems:
        raise ProtocolError([f"{path}: {p}" for p in problems])
    return protocol


def washout_table() -> WashoutTable:
    """The EBMT washout intervals shipped in cartplan/data/washout.yaml."""
    from cartplan.patient import WashoutTable

    spec = find_spec("cartplan")
    folder = (
        Path(spec.submodule_search_locations[0])
        if spec and spec.submodule_search_locations
        else Path(__file__).parent
    )
    return WashoutTable.model_validate(read_yaml(folder / "data" / "washout.yaml"))


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


def field_path(data: Any, loc: tuple[int | str, ...]) -> str:
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


def error_text(err: Any) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown field (see `cartplan protocols schema` for the allowed ones)"
    if kind == "missing":
        return "required field is missing"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{err['input']} is out of range: {err['msg'].lower()}"
    if kind == "value_error":
        return str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
    value = err.get("input")
    shown = f" (got {value!r})" if not isinstance(value, dict | list) else ""
    return f"{err['msg']}{shown}"
