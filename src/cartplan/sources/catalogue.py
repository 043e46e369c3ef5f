"""Protocol files: find them (shipped, CARTPLAN_PROTOCOL_PATH, or a path), parse, validate."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from cartplan import __version__
from cartplan.errors import InputError, ProtocolError
from cartplan.protocol.format import Protocol
from cartplan.sources.files import read_input
from cartplan.sources.yamlfiles import error_text, field_path, one_per_union, parse_yaml, read_yaml

if TYPE_CHECKING:
    from cartplan.patient.washout_table import WashoutTable

SUFFIXES = (".yaml", ".yml")
PATH_ENV = "CARTPLAN_PROTOCOL_PATH"
CACHE_ENV = "CARTPLAN_CACHE_DIR"  # a folder, or "off"
# the code that parses and checks protocols, relative to the cartplan package
_FORMAT_CODE = (
    "protocol/format.py",
    "protocol/rules.py",
    "protocol/graph.py",
    "sources/catalogue.py",
    "sources/yamlfiles.py",
)


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
        if not os.path.lexists(path):
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
    and the rule checks when the file, its name and the format's code are unchanged. The cache
    holds data only (JSON, never pickle); an entry is served only when the folder and the file
    belong to this user and nobody else may write them, and when the content hash it records is
    that of the file just read. Anything else is ignored and rebuilt.
    """
    raw = read_input(path)
    key = _cache_key(path, raw)
    cached = _cache_file(key)
    if cached is not None:
        protocol = _read_cache(cached, key)
        if protocol is not None:
            return protocol
    protocol = _parse_and_validate(path, raw)
    if cached is not None:
        _write_cache(cached, key, protocol)
    return protocol


def from_snapshot(data: object) -> Protocol:
    """A protocol from the JSON of a stored snapshot (cartplan's own dump of a validated
    protocol): rebuilt without the validator when its shape is this format's, else validated."""
    from pydantic import ValidationError

    try:
        protocol = _rebuild(Protocol, data)
        if isinstance(protocol, Protocol):
            return protocol
    except (ValueError, KeyError, TypeError, RecursionError):
        pass
    try:
        return Protocol.model_validate(data)
    except ValidationError as e:
        raise ProtocolError([f"stored protocol snapshot: {e.errors()[0]['msg']}"]) from None


def cache_dir() -> Path | None:
    """The folder of the protocol cache; None when switched off or when there is no home."""
    if os.environ.get(CACHE_ENV) == "off":
        return None
    if custom := os.environ.get(CACHE_ENV):
        return Path(custom)
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except RuntimeError:  # no HOME and no home in the user database
            return None
    return Path(base) / "cartplan"


def _cache_key(path: Path, raw: bytes) -> str:
    """What a cache entry must match: the file's bytes and name, and the code that checks it."""
    import hashlib

    import pydantic

    h = hashlib.sha256(raw)
    h.update(b"\0" + path.name.encode("utf-8", "surrogateescape"))
    h.update(f"\0{__version__} {pydantic.VERSION}\0".encode())
    h.update(_format_code_digest())
    return h.hexdigest()


def _cache_file(key: str) -> Path | None:
    folder = cache_dir()
    return None if folder is None else folder / f"{key[:32]}.json"


def _read_cache(file: Path, key: str) -> Protocol | None:
    """The cached protocol, or None when the entry is missing, foreign, damaged or stale."""
    from cartplan.sources import cache

    data = cache.read_entry(file, key, "protocol")
    if data is None:
        return None
    try:
        protocol = _rebuild(Protocol, data)
    except (ValueError, KeyError, TypeError, RecursionError):
        return None
    return protocol if isinstance(protocol, Protocol) else None


def _rebuild(kind: Any, value: Any) -> Any:
    """A value of type `kind` from cartplan's own JSON dump of a validated protocol.

    Types are checked, but pydantic's validator is not built: that costs a tenth of the
    start-up budget, and the entry was validated by this very code (its key says so) from the
    bytes just read. Only the shapes the protocol format uses are known; anything else raises
    ValueError, so a format change the rebuild does not follow means a fresh parse, never a
    wrong value.
    """
    return _builder(kind)(value)


_BUILDERS: dict[Any, Callable[[Any], Any]] = {}


def _builder(kind: Any) -> Callable[[Any], Any]:
    """How to rebuild a value of type `kind`: worked out once per type, since a protocol holds
    thousands of values of a few dozen types (start-up time is a feature)."""
    try:
        return _BUILDERS[kind]
    except KeyError:
        built = _BUILDERS[kind] = _make_builder(kind)
        return built
    except TypeError:  # an annotation that cannot be a key: worked out each time
        return _make_builder(kind)


def _make_builder(kind: Any) -> Callable[[Any], Any]:
    import enum
    import types
    import typing

    from pydantic import BaseModel

    def refuse(value: Any) -> Any:
        raise ValueError(kind)

    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is typing.Annotated:
        return _builder(args[0])
    if origin in (typing.Union, types.UnionType):

        def union(value: Any) -> Any:
            for option in args:
                try:
                    return _builder(option)(value)
                except ValueError:
                    continue
            raise ValueError(kind)

        return union
    if origin is list:

        def listed(value: Any) -> Any:
            if not isinstance(value, list):
                raise ValueError(kind)
            item = _builder(args[0])
            return [item(v) for v in value]

        return listed
    if origin is tuple:

        def fixed(value: Any) -> Any:
            if not isinstance(value, list) or len(value) != len(args):
                raise ValueError(kind)
            return tuple(_builder(a)(v) for a, v in zip(args, value, strict=True))

        return fixed
    if origin is typing.Literal:

        def literal(value: Any) -> Any:
            if any(value == a and type(value) is type(a) for a in args):
                return value
            raise ValueError(kind)

        return literal
    if origin is None and isinstance(kind, type):
        if issubclass(kind, BaseModel):
            fields = kind.model_fields
            construct = _constructor(kind)

            def model(value: Any) -> Any:
                if not isinstance(value, dict) or not set(value) <= fields.keys():
                    raise ValueError(kind)
                built = {k: _builder(fields[k].annotation)(v) for k, v in value.items()}
                return construct(set(value), built)

            return model
        if issubclass(kind, enum.Enum):
            return kind
        if kind is float:

            def number(value: Any) -> Any:
                if type(value) in (int, float):
                    return float(value)
                raise ValueError(kind)

            return number
        if kind in (int, str, bool, type(None)):

            def exact(value: Any) -> Any:
                if type(value) is kind:
                    return value
                raise ValueError(kind)

            return exact
    return refuse


def _constructor(kind: Any) -> Callable[[set[str], dict[str, Any]], Any]:
    """`kind.model_construct` for our own frozen models, without its per-call work (aliases,
    default lookups): immutable defaults are taken as they are, others made fresh each time."""
    from pydantic_core import PydanticUndefined

    plain = (
        kind.model_config.get("extra") != "allow"
        and not kind.__pydantic_root_model__
        and not kind.__pydantic_post_init__
        and all(f.alias is None and f.validation_alias is None for f in kind.model_fields.values())
    )
    if not plain:
        return lambda fields_set, built: kind.model_construct(_fields_set=fields_set, **built)
    immutable = (type(None), bool, int, float, str, tuple, frozenset)
    plan = []
    for name, field in kind.model_fields.items():
        default, how = field.default, "factory"
        if field.default_factory is None:
            if default is PydanticUndefined:
                how = "required"
            elif type(default) in immutable:
                how = "as is"
            elif type(default) in (list, dict) and not default:
                how = "new empty"  # pydantic would copy it: a fresh one is that copy
        plan.append((name, field, how, default))
    setattr_ = object.__setattr__

    def construct(fields_set: set[str], built: dict[str, Any]) -> Any:
        values: dict[str, Any] = {}
        for name, field, how, default in plan:
            if name in built:
                values[name] = built[name]
            elif how == "as is":
                values[name] = default
            elif how == "new empty":
                values[name] = type(default)()
            elif how == "factory":
                values[name] = field.get_default(call_default_factory=True, validated_data=values)
            # a required field left out stays out, as model_construct leaves it
        m = kind.__new__(kind)
        setattr_(m, "__dict__", values)
        setattr_(m, "__pydantic_fields_set__", fields_set)
        setattr_(m, "__pydantic_extra__", None)
        setattr_(m, "__pydantic_private__", None)
        return m

    return construct


@functools.cache
def _format_code_digest() -> bytes:
    """Digest of the code that parses and checks protocols: a change invalidates the cache."""
    import hashlib

    h = hashlib.sha256()
    for code in _FORMAT_CODE:
        h.update((Path(__file__).parents[1] / code).read_bytes())
    return h.digest()


def _write_cache(target: Path, key: str, protocol: Protocol) -> None:
    """Store the validated protocol as JSON with its key (a cache it cannot write or trust is
    left alone: it only costs speed)."""
    from cartplan.sources import cache

    cache.write_entry(target, key, protocol.model_dump(mode="json", exclude_unset=True), "protocol")


def _parse_and_validate(path: Path, raw: bytes) -> Protocol:
    from pydantic import ValidationError

    from cartplan.protocol.rules import validate

    data = parse_yaml(raw, str(path))
    if not isinstance(data, dict):
        raise ProtocolError([f"{path}: a protocol file holds a mapping (id:, version:, steps: …)"])
    try:
        protocol = Protocol.model_validate(data)
    except ValidationError as e:
        raise ProtocolError(
            [
                f"{path}: {field_path(data, err['loc'])}: {error_text(err)}"
                for err in one_per_union(e.errors())
            ]
        ) from None
    problems = validate(protocol)
    if protocol.id != path.stem:
        problems.insert(0, f"id: '{protocol.id}' does not match the file name '{path.name}'")
    if problems:
        raise ProtocolError([f"{path}: {p}" for p in problems])
    return protocol


def washout_table() -> WashoutTable:
    """The EBMT washout intervals shipped in cartplan/data/washout.yaml."""
    from cartplan.patient.washout_table import WashoutTable

    spec = find_spec("cartplan")
    folder = (
        Path(spec.submodule_search_locations[0])
        if spec and spec.submodule_search_locations
        else Path(__file__).parent
    )
    return WashoutTable.model_validate(read_yaml(folder / "data" / "washout.yaml"))
