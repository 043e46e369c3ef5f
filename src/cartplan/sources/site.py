"""The site file (site.yaml): what a centre would otherwise retype on every command — its
country, subdivision, time zone, closures, default team calendars and CalDAV target — and the
resources its patients share (apheresis chairs, ward beds, manufacturing slots) with their
capacity.

Found via --site FILE, else $CARTPLAN_SITE, else site.yaml in the user's config folder
($XDG_CONFIG_HOME/cartplan, else ~/.config/cartplan; platformdirs is not a dependency, so the
XDG rule is the one the plan store's data folder follows too). Command-line options override
the file. A password never goes into it.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator

from cartplan.errors import InputError, SiteError
from cartplan.protocol.format import Id, Model  # the formats share their id rule and base

ENV = "CARTPLAN_SITE"
FILE_NAME = "site.yaml"


class Resource(Model):
    """A resource patients share, and how many of them it takes at once."""

    capacity: int = Field(
        ge=1, le=100_000, description="Patients it takes per day (or per week), at least 1."
    )
    per: Literal["day", "week"] = Field(
        default="day", description="Whether the capacity counts per day or per week (Mon-Sun)."
    )
    steps: list[Id] = Field(
        default=[],
        max_length=200,
        description="Protocol step ids that use it (a protocol's step may also name it).",
    )
    start_only: bool = Field(
        default=False,
        description="Used on the step's first day only (e.g. a manufacturing slot), not on "
        "every day it spans.",
    )


class CalDav(Model):
    """Where `publish` sends calendars by default (the password never lives here)."""

    url: str | None = Field(default=None, description="URL of the CalDAV calendar collection.")
    user: str | None = Field(default=None, description="CalDAV user name.")


class Site(Model):
    """A centre's settings and shared resources; command-line options override them."""

    name: str = Field(min_length=1, max_length=200, description="The centre's name.")
    country: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z]{2}$",
        description="Country of public holidays (ISO 3166-1 alpha-2, e.g. DE).",
    )
    subdivision: str | None = Field(
        default=None, max_length=10, description="Subdivision of public holidays (e.g. BY)."
    )
    timezone: str | None = Field(
        default=None, max_length=100, description="The site's time zone (IANA name)."
    )
    closures: list[str] = Field(
        default=[],
        max_length=1000,
        description="Closure days: 'YYYY-MM-DD[..YYYY-MM-DD] reason' each.",
    )
    closures_file: str | None = Field(
        default=None,
        description="A closures file (one closure a line), relative to the site file; "
        "its days add to `closures`.",
    )
    teams: list[Id] = Field(
        default=[],
        max_length=50,
        description="Default team calendars of calendar commands (like --team).",
    )
    caldav: CalDav | None = Field(default=None, description="Default CalDAV target.")
    resources: dict[Id, Resource] = Field(
        default={}, max_length=200, description="Shared resources by name, with capacity."
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        if value is None:
            return value
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError, OSError):
            raise ValueError(
                f"'{value}' is not a time zone; use an IANA name such as Europe/Berlin"
            ) from None
        return value


def config_dir() -> Path | None:
    """$XDG_CONFIG_HOME/cartplan, else ~/.config/cartplan (None without a home folder)."""
    base = os.environ.get("XDG_CONFIG_HOME")
    if base:
        return Path(base) / "cartplan"
    try:
        return Path.home() / ".config" / "cartplan"
    except (RuntimeError, KeyError):
        return None


def find(given: Path | None) -> Path | None:
    """The site file: --site, else $CARTPLAN_SITE, else site.yaml in the config folder when it
    exists; None when there is none."""
    if given is not None:
        return given
    env = os.environ.get(ENV)
    if env:
        return Path(env)
    folder = config_dir()
    if folder is not None and (folder / FILE_NAME).is_file():
        return folder / FILE_NAME
    return None


def _passwords(data: Any, where: str, path: str = "") -> list[str]:
    out: list[str] = []
    if isinstance(data, dict):
        for k, v in data.items():
            at = f"{path}.{k}" if path else str(k)
            if "password" in str(k).lower() or "secret" in str(k).lower():
                out.append(
                    f"{where}: {at}: a password never goes into the site file; use "
                    "$CARTPLAN_CALDAV_PASSWORD or --caldav-password-file (value not shown)"
                )
            else:
                out += _passwords(v, where, at)
    return out


def read(path: Path) -> tuple[Site, dict[date, str]]:
    """The site file and the closure days it lists (inline and from its closures file);
    SiteError with one line per problem."""
    from pydantic import ValidationError

    from cartplan.sources import yamlfiles
    from cartplan.sources.site_calendar import closures_of, read_closures

    where = str(path)
    data = yamlfiles.read_yaml(path, label=f"site file {path}")
    if not isinstance(data, dict):
        raise SiteError([f"{where}: a site file holds a mapping (name:, resources:, …)"])
    problems = _passwords(data, where)
    if problems:
        raise SiteError(problems)
    country, subdiv = data.get("country"), data.get("subdivision")
    if isinstance(country, str) and len(country) == 2 and country.isalpha():
        from cartplan.sources.site_calendar import country_holidays

        try:
            country_holidays(
                country, subdiv if isinstance(subdiv, str) else None, range(2025, 2026)
            )
        except InputError as e:
            text = str(e).replace("--country ", "country: ").replace("--subdiv ", "subdivision: ")
            problems.append(f"{where}: {text}")
    elif country is None and subdiv is not None:
        problems.append(f"{where}: subdivision: give the country as well")
    try:
        site = Site.model_validate(data)
    except ValidationError as e:
        problems += [
            f"{where}: {yamlfiles.field_path(data, err['loc'])}: {_text(err)}" for err in e.errors()
        ]
        raise SiteError(problems) from None
    closed: dict[date, str] = {}
    try:
        closed = closures_of(list(site.closures), lambda n: f"{where}: closures[{n}]")
        if site.closures_file is not None:
            file = path.parent / site.closures_file
            closed = {**read_closures(file), **closed}
    except InputError as e:
        problems.append(str(e))
    if problems:
        raise SiteError(problems)
    return site, closed


def raw_resources(path: Path) -> dict[str, list[str]]:
    """name -> step ids of the well-formed entries of a site file's `resources`, read without
    validating the rest (so that a file with other problems is checked against the catalogue
    too and every problem is said at once); {} when there are none or the file does not read."""
    from cartplan.errors import CartplanError
    from cartplan.sources import yamlfiles

    try:
        data = yamlfiles.read_yaml(path, label=f"site file {path}")
    except CartplanError:
        return {}
    resources = data.get("resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict):
        return {}
    return {
        str(name): [str(x) for x in r["steps"]]
        for name, r in resources.items()
        if isinstance(r, dict) and isinstance(r.get("steps"), list)
    }


def _text(err: Any) -> str:
    from cartplan.sources import yamlfiles

    if err["type"] == "extra_forbidden":
        return "unknown field (see `cartplan schema site` for the allowed ones)"
    return yamlfiles.error_text(err)


def schema_json() -> str:
    import json

    schema = Site.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "cartplan site file"
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
