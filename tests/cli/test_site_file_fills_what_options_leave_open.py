"""The site file: found via --site, $CARTPLAN_SITE or the config folder; its country, closures
and zone apply to planning commands unless an option says otherwise; bad files are refused with
one line per problem; a password in it is refused without showing it; its schema is committed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import Run

ROOT = Path(__file__).parents[2]
SITE_SCHEMA = ROOT / "schemas" / "site.schema.json"
AGENDA_SCHEMA = ROOT / "schemas" / "agenda.schema.json"
PLAN = (
    "schedule",
    "-p",
    "lupus-flucy",
    "--start",
    "2025-05-01",
    "--today",
    "2025-04-01",
    "--format",
    "json",
)


def _write(tmp_path: Path, text: str, name: str = "site.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _apheresis(out: str) -> str:
    return next(e["start"] for e in json.loads(out)["events"] if e["id"] == "apheresis")


def test_closures_of_the_site_move_the_plan_and_options_override(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plain = run(*PLAN)
    assert plain.code == 0, plain.err
    day = _apheresis(plain.out)
    site = _write(tmp_path, f"name: C\nclosures: ['{day} inventory']\n")
    moved = run(*PLAN, "--site", str(site))
    assert moved.code == 0, moved.err
    assert _apheresis(moved.out) > day
    monkeypatch.setenv("CARTPLAN_SITE", str(site))
    assert _apheresis(run(*PLAN).out) > day
    empty = _write(tmp_path, "", "none.txt")
    assert _apheresis(run(*PLAN, "--closures", str(empty)).out) == day  # the option wins


def test_the_config_folder_site_file_is_found(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = _apheresis(run(*PLAN).out)
    folder = tmp_path / "config" / "cartplan"
    folder.mkdir(parents=True)
    _write(folder, f"name: C\nclosures: ['{day}']\n")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("CARTPLAN_SITE", raising=False)
    assert _apheresis(run(*PLAN).out) > day


def test_bad_site_files_are_refused_with_one_line_per_problem(run: Run, tmp_path: Path) -> None:
    site = _write(
        tmp_path,
        "name: Bad\ncountry: XX\ntimezone: Mars/Base\nresources:\n"
        "  chair: {capacity: -1, steps: [apheresis]}\n"
        "  bed: {capacity: 0, per: month}\n",
    )
    result = run(*PLAN, "--site", str(site))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 5, lines
    assert all(line.startswith(f"cartplan: error: {site}: ") for line in lines)
    text = result.err
    for part in ("country", "timezone", "chair.capacity", "bed.capacity", "bed.per"):
        assert part in text
    assert "Traceback" not in text


def test_every_problem_is_said_at_once_the_catalogues_too(run: Run, tmp_path: Path) -> None:
    """A bad capacity does not hide a step id no protocol has: one run lists both."""
    site = _write(
        tmp_path, "name: C\nresources:\n  chair: {capacity: -1, steps: [apheresis, nosuchstep]}\n"
    )
    result = run(*PLAN, "--site", str(site))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 2, lines
    assert "chair.capacity" in lines[0] and "nosuchstep" in lines[1]


def test_a_step_no_protocol_has_is_refused(run: Run, tmp_path: Path) -> None:
    site = _write(
        tmp_path,
        "name: C\nresources:\n  chair: {capacity: 2, steps: [apheresis, nosuchstep, other]}\n",
    )
    result = run(*PLAN, "--site", str(site))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 2 and "nosuchstep" in lines[0] and "'other'" in lines[1]


def test_a_resource_a_protocol_names_must_be_in_the_site_file(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    own = tmp_path / "protocols"
    own.mkdir()
    text = (ROOT / "protocols" / "lupus-flucy.yaml").read_text(encoding="utf-8")
    text = text.replace("id: lupus-flucy", "id: lupus-own", 1)
    step = "- id: apheresis\n  title: Leukapheresis\n"
    assert step in text
    text = text.replace(step, step + "  resources: [apheresis-suite]\n", 1)
    (own / "lupus-own.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("CARTPLAN_PROTOCOL_PATH", str(own))
    site = _write(tmp_path, "name: C\nresources:\n  chair: {capacity: 2, steps: [apheresis]}\n")
    result = run(*PLAN, "--site", str(site))
    assert result.code == 2
    assert "apheresis-suite" in result.err and len(result.err.strip().splitlines()) == 1


def test_a_password_in_the_site_file_is_refused_unseen(run: Run, tmp_path: Path) -> None:
    site = _write(tmp_path, "name: C\ncaldav: {url: 'http://x', user: u, password: hunter2}\n")
    result = run(*PLAN, "--site", str(site))
    assert result.code == 2
    assert "caldav.password" in result.err and "hunter2" not in result.err
    assert len(result.err.strip().splitlines()) == 1


@pytest.mark.parametrize(("command", "path"), [("site", SITE_SCHEMA), ("agenda", AGENDA_SCHEMA)])
def test_committed_schemas_match_the_models(run: Run, command: str, path: Path) -> None:
    result = run("schema", command)
    assert result.code == 0, result.err
    assert result.out == path.read_text(encoding="utf-8"), (
        f"regenerate: cartplan schema {command} > {path}"
    )
    schema = json.loads(result.out)
    for name, model in {**schema.get("$defs", {}), "(top)": schema}.items():
        for field, spec in model.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"


def test_caldav_target_comes_from_the_options_or_the_site_file(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CARTPLAN_SITE", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "none"))
    base = ("publish", "-p", "lupus-flucy", "--start", "2025-05-01", "--today", "2025-04-01")
    missing = run(*base)
    assert missing.code == 2 and "--caldav-url" in missing.err and "site file" in missing.err
    site = _write(tmp_path, "name: C\ncaldav: {url: 'http://127.0.0.1:9/cal/'}\n")
    no_user = run(*base, "--site", str(site))
    assert no_user.code == 2 and "--caldav-user" in no_user.err and str(site) in no_user.err
