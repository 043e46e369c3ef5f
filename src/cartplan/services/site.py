"""Use case: the site file applied — one function for every command that plans or sends
calendars (schedule, checklist, publish, export fhir, plan new, plan publish, agenda): the
command line's options win, the site file fills what they leave open."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cartplan.errors import InputError, SiteError

if TYPE_CHECKING:
    from cartplan.agenda.load import Capacity
    from cartplan.services.planning import PlanArgs
    from cartplan.sources.site import Site


class Found(NamedTuple):
    path: Path
    site: Site
    closures: dict[date, str]


_READ: dict[Path, Found] = {}


def load(given: Path | None) -> Found | None:
    """The site file (--site, $CARTPLAN_SITE, the config folder's), read once per process;
    None when there is none."""
    from cartplan.sources import site as site_file

    path = site_file.find(given)
    if path is None:
        return None
    found = _READ.get(path)
    if found is None:
        try:
            site, closures = site_file.read(path)
        except SiteError as e:  # every problem at once: the catalogue's too, from the raw file
            raw = site_file.raw_resources(path)
            raise SiteError([*e.problems, *catalogue_problems(str(path), raw)]) from None
        found = Found(path, site, closures)
        if site.resources:
            check(found)
        _READ[path] = found
    return found


class Settings(NamedTuple):
    """What the site file and the options give together (options first)."""

    args: PlanArgs | None
    teams: list[str] | None
    caldav_url: str | None
    caldav_user: str | None
    found: Found | None


def apply(
    site: Path | None,
    args: PlanArgs | None,
    teams: list[str] | None = None,
    caldav_url: str | None = None,
    caldav_user: str | None = None,
) -> Settings:
    """The options, with the site file's country, subdivision, time zone, closures, teams and
    CalDAV target where the options give none. A --country of the command line takes the
    site's subdivision only when it is the site's country."""
    found = load(site)
    if found is None:
        return Settings(args, teams, caldav_url, caldav_user, None)
    s = found.site
    cal = s.caldav
    if args is None:
        return Settings(
            None,
            teams or (list(s.teams) or None),
            caldav_url or (cal.url if cal is not None else None),
            caldav_user or (cal.user if cal is not None else None),
            found,
        )
    country, subdiv, closures, tz = _calendar(
        found, args.country, args.subdiv, args.closures, args.tz
    )
    merged = args._replace(country=country, subdiv=subdiv, closures=closures, tz=tz)
    return Settings(
        merged,
        teams or (list(s.teams) or None),
        caldav_url or (cal.url if cal is not None else None),
        caldav_user or (cal.user if cal is not None else None),
        found,
    )


Closures = Path | Mapping[date, str] | None


def calendar(
    site: Path | None, country: str | None, subdiv: str | None, closures: Closures, tz: str | None
) -> tuple[str | None, str | None, Closures, str | None]:
    """Country, subdivision, closures and zone: the options', the site file filling the rest
    (as `apply`, for commands that plan many rows with one calendar: plan import)."""
    found = load(site)
    if found is None:
        return country, subdiv, closures, tz
    return _calendar(found, country, subdiv, closures, tz)


def _calendar(
    found: Found, country: str | None, subdiv: str | None, closures: Closures, tz: str | None
) -> tuple[str | None, str | None, Closures, str | None]:
    s = found.site
    country = country if country is not None else s.country
    if subdiv is None and (country or "").upper() == (s.country or "-").upper():
        subdiv = s.subdivision
    if closures is None and found.closures:
        closures = found.closures
    return country, subdiv, closures, tz or s.timezone


def caldav_target(url: str | None, user: str | None, found: Found | None) -> tuple[str, str]:
    """The CalDAV URL and user: the options', else the site file's; an error naming both ways
    when one is missing."""
    for value, flag, key in ((url, "--caldav-url", "url"), (user, "--caldav-user", "user")):
        if not value:
            where = f" or caldav.{key} in the site file" + (
                f" {found.path}" if found is not None else " (--site, $CARTPLAN_SITE)"
            )
            raise InputError(f"{flag}: give it{where}")
    assert url is not None and user is not None  # noqa: S101 - checked above
    return url, user


def capacities(found: Found | None) -> list[Capacity]:
    """The site's resources as the agenda counts them (checked against the catalogue when the
    file was read)."""
    from cartplan.agenda.load import Capacity

    if found is None:
        return []
    return [
        Capacity(name, r.capacity, r.per, frozenset(r.steps), r.start_only)
        for name, r in sorted(found.site.resources.items())
    ]


def check(found: Found) -> None:
    """The site file against every protocol of the catalogue: a step id no protocol has, or a
    resource a protocol's step names that the site does not define, is a problem; SiteError
    with one line per problem."""
    resources = {name: list(r.steps) for name, r in found.site.resources.items()}
    problems = catalogue_problems(str(found.path), resources)
    if problems:
        raise SiteError(problems)


def catalogue_problems(where: str, resources: Mapping[str, list[str]]) -> list[str]:
    """`check`'s problems for resources given as name -> step ids (none without resources)."""
    from cartplan.errors import CartplanError
    from cartplan.sources import catalogue

    if not resources:
        return []

    steps: set[str] = set()
    named: list[tuple[str, str, str]] = []  # (protocol, step, resource)
    for source in catalogue.available():
        try:
            p = catalogue.parse(source.path)
        except CartplanError:
            continue  # `protocols validate` reports it; it plans nothing
        for st in p.steps:
            steps.add(st.id)
            named += [(p.id, st.id, r) for r in st.resources]
    problems = []
    for name, step_ids in sorted(resources.items()):
        for st_id in step_ids:
            if st_id not in steps:
                problems.append(
                    f"{where}: resources.{name}.steps: no protocol has a step '{st_id}' "
                    "(see `cartplan protocols show ID`)"
                )
    for protocol, st_id, resource in named:
        if resource not in resources:
            problems.append(
                f"{where}: protocol {protocol} step {st_id} uses resource '{resource}', which "
                f"the site file does not define (resources: "
                f"{', '.join(sorted(resources)) or 'none'})"
            )
    return problems


def resource_names(found: Found | None) -> list[str]:
    return [] if found is None else sorted(found.site.resources)
