"""YAML input: safe loading that refuses duplicate keys, and pydantic errors as one line each."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cartplan.errors import InputError, ProtocolError
from cartplan.sources.files import read_input

if TYPE_CHECKING:
    pass


class YamlInt(int):
    """A whole number read from YAML, with the text it was written as (0047 is not 39)."""

    text: str


def read_yaml(path: Path, label: str | None = None) -> Any:
    """A YAML (or JSON) file of at most 1 MiB, read strictly (see `parse_yaml`)."""
    return parse_yaml(read_input(path, label=label), label if label is not None else str(path))


def parse_yaml(raw: bytes, where: str) -> Any:
    """Safe loading that refuses duplicate keys (YAML would silently keep the last one) and
    numbers Python will not read (more than 4300 digits); problems are errors naming `where`."""
    import yaml

    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(f"{where}: not UTF-8 text (byte {e.start + 1} is not UTF-8)") from None

    base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class StrictLoader(base):  # type: ignore[valid-type,misc]
        """Safe loading with the checks above."""

    def mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[Any, Any]:
        seen: set[Any] = set()
        for k, _ in node.value:
            key = loader.construct_object(k)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: construct_mapping reports it
                continue
            if duplicate:
                line = node.start_mark.line + 1
                raise ProtocolError([f"{where}:{line}: key '{key}' appears twice in one mapping"])
        return loader.construct_mapping(node)

    def whole_number(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
        try:
            value = YamlInt(loader.construct_yaml_int(node))
        except ValueError:
            line = node.start_mark.line + 1
            raise ProtocolError(
                [f"{where}:{line}: a number with more digits than cartplan reads"]
            ) from None
        value.text = str(node.value)
        return value

    StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    StrictLoader.add_constructor("tag:yaml.org,2002:int", whole_number)
    try:
        return yaml.load(text, Loader=StrictLoader)  # noqa: S506 - StrictLoader is a SafeLoader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f"{where}:{mark.line + 1}" if mark is not None else where
        problem = getattr(e, "problem", None) or str(e)
        raise ProtocolError([f"{at}: not valid YAML ({problem})"]) from None
    except RecursionError:
        raise ProtocolError([f"{where}: nested too deeply"]) from None
    except (ValueError, OverflowError) as e:  # e.g. a date like 2025-13-45
        raise ProtocolError([f"{where}: not valid YAML ({e})"]) from None


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


_UNION_TAGS = ("int", "str", "constrained-int", "constrained-str")


def one_per_union(errors: list[Any]) -> list[Any]:
    """For a value that may be a number or a name, the error of the kind that was given."""
    out: list[Any] = []
    seen: set[tuple[Any, ...]] = set()
    for err in errors:
        loc = tuple(err["loc"])
        if not loc or loc[-1] not in _UNION_TAGS:
            out.append(err)
            continue
        given = err.get("input")
        number = isinstance(given, int | float) and not isinstance(given, bool)
        if loc[:-1] in seen or number != loc[-1].endswith("int"):
            continue
        seen.add(loc[:-1])
        out.append({**err, "loc": loc[:-1]})
    return out


def error_text(err: Any, show_value: bool = True) -> str:
    """A pydantic error in words; `show_value=False` for identifying data (never echoed)."""
    kind = err["type"]
    if not show_value:
        return "unknown field" if kind == "extra_forbidden" else f"{err['msg']} (value not shown)"
    if kind == "extra_forbidden":
        return "unknown field (see `cartplan protocols schema` for the allowed ones)"
    if kind == "missing":
        return "required field is missing"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{err['input']} is out of range: {err['msg'].lower()}"
    if kind == "value_error":
        return str(err["ctx"]["error"]) if "ctx" in err else err["msg"]
    value = err.get("input")
    text = repr(value) if not isinstance(value, dict | list) else ""
    text = text if len(text) <= 60 else text[:59] + "…"
    return f"{err['msg']} (got {text})" if text else err["msg"]
