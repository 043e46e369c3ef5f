"""The centre's view on every store kind: with two apheresis chairs, three plans whose apheresis
falls on one day clash, naming the three labels; `plan new --fit` puts a fourth plan on the first
day with a free chair and a free ward bed across its whole LD–CRS span and says why it moved;
the agenda of a week lists every event of every active plan in it, and its JSON carries date,
plan_id, label, step, day, teams and each resource's load against its capacity."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import jsonschema

from tests.conftest import Run
from tests.store.conftest import Store, new_plan, ok

ROOT = Path(__file__).parents[2]
SITE = """\
name: Test centre
resources:
  apheresis-chair: {capacity: 2, per: day, steps: [apheresis]}
  ward-bed: {capacity: 3, per: day, steps: [lymphodepletion, infusion, crs-watch]}
"""


def _site(tmp_path: Path) -> Path:
    path = tmp_path / "site.yaml"
    path.write_text(SITE, encoding="utf-8")
    return path


def _agenda(run: Run, site: Path, first: str, last: str, *extra: str) -> dict:
    out = ok(
        run(
            "agenda", "--from", first, "--to", last, "--site", str(site), "--format", "json", *extra
        )
    ).out
    return json.loads(out)


def test_three_aphereses_on_one_day_clash_naming_the_three_labels(
    store: Store, run: Run, tmp_path: Path
) -> None:
    site = _site(tmp_path)
    for label in ("P-1", "P-2", "P-3"):
        new_plan(run, label=label)
    body = _agenda(run, site, "2025-05-01", "2025-06-30")
    clashes = [c for c in body["clashes"] if c["resource"] == "apheresis-chair"]
    assert len(clashes) == 1
    c = clashes[0]
    assert (c["capacity"], c["demand"]) == (2, 3)
    assert sorted(p["label"] for p in c["plans"]) == ["P-1", "P-2", "P-3"]
    table = ok(run("agenda", "--from", c["date"], "--to", c["date"], "--site", str(site))).out
    assert "CLASH" in table and all(x in table for x in ("P-1", "P-2", "P-3"))
    check = ok(run("plan", "check", "P-2", "--site", str(site))).out
    assert "apheresis-chair" in check and "P-1, P-2, P-3" in check
    # ward beds: three patients for three beds is full, not a clash
    assert not [x for x in body["clashes"] if x["resource"] == "ward-bed"]
    assert max(x["load"] for x in body["resources"] if x["resource"] == "ward-bed") == 3


def test_fit_places_a_fourth_plan_where_chair_and_bed_are_free_and_says_why(
    store: Store, run: Run, tmp_path: Path
) -> None:
    site = _site(tmp_path)
    for label in ("P-1", "P-2", "P-3"):
        new_plan(run, label=label)
    result = ok(
        run(
            "plan",
            "new",
            "-p",
            "lupus-flucy",
            "--start",
            "2025-05-01",
            "--today",
            "2025-04-01",
            "--label",
            "P-4",
            "--by",
            "alice",
            "--site",
            str(site),
            "--fit",
        )
    )
    pid = result.out.strip()
    moved = result.err.strip()
    assert "later than asked" in moved and "ward-bed" in moved, moved
    shown = json.loads(ok(run("plan", "show", pid, "--format", "json")).out)
    start = date.fromisoformat(shown["start"]) if "start" in shown else None
    events = {e["id"]: e for e in shown["events"]}
    first_day = start or date.fromisoformat(events["washout"]["start"])
    days = (first_day - date(2025, 5, 1)).days
    assert f"{days} days later" in moved or f"{days} day later" in moved
    # no clash anywhere involves the new plan: a free chair and a free bed on every day
    ld = date.fromisoformat(events["lymphodepletion"]["start"])
    crs = date.fromisoformat(events["crs-watch"]["end"])
    body = _agenda(run, site, "2025-05-01", (crs + timedelta(days=1)).isoformat())
    assert not [c for c in body["clashes"] if pid in {p["plan_id"] for p in c["plans"]}]
    beds = [x for x in body["resources"] if x["resource"] == "ward-bed"]
    for x in beds:
        if ld.isoformat() <= x["date"] <= crs.isoformat():
            assert pid in {p["plan_id"] for p in x["plans"]}
            assert x["load"] <= x["capacity"]
    assert "no clashes" in ok(run("plan", "check", pid, "--site", str(site))).out
    # one day earlier would not have fitted: asking for that day moves it to the same start
    again = ok(
        run(
            "plan",
            "new",
            "-p",
            "lupus-flucy",
            "--start",
            (first_day - timedelta(days=1)).isoformat(),
            "--today",
            "2025-04-01",
            "--label",
            "P-5",
            "--by",
            "alice",
            "--site",
            str(site),
            "--fit",
        )
    )
    assert "later than asked" in again.err


def test_the_agenda_of_a_week_lists_every_event_of_every_active_plan(
    store: Store, run: Run, tmp_path: Path
) -> None:
    site = _site(tmp_path)
    ids = {new_plan(run, label=f"W-{i}") for i in range(2)}
    closed = new_plan(run, label="W-closed")
    ok(run("plan", "close", closed, "--status", "stopped", "--reason", "test", "--by", "bob"))
    body = _agenda(run, site, "2025-05-19", "2025-05-25")
    expected = set()
    for pid in ids:
        shown = json.loads(ok(run("plan", "show", pid, "--format", "json")).out)
        for e in shown["events"]:
            if e["start"] <= "2025-05-25" and e["end"] >= "2025-05-19":
                on = max(e["start"], "2025-05-19")
                day = e["day"] + (date.fromisoformat(on) - date.fromisoformat(e["start"])).days
                expected.add((on, pid, e["id"], day))
    got = {(e["date"], e["plan_id"], e["step"], e["day"]) for e in body["events"]}
    assert got == expected
    table = ok(run("agenda", "--from", "2025-05-19", "--to", "2025-05-25", "--site", str(site)))
    for _, _pid, step, _ in expected:
        assert step in table.out
    assert closed not in {e["plan_id"] for e in body["events"]}
    for e in body["events"]:
        assert {"date", "plan_id", "label", "step", "day", "teams"} <= set(e)
    chair = [x for x in body["resources"] if x["resource"] == "apheresis-chair"]
    assert chair and all({"load", "capacity", "date"} <= set(x) for x in chair)
    from cartplan.exports.agenda import AgendaJson

    AgendaJson.model_validate(body)  # the printed JSON is what the contract says
    schema = json.loads((ROOT / "schemas" / "agenda.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(body, schema)
    team = _agenda(run, site, "2025-05-19", "2025-05-25", "--team", "cell-lab")
    assert team["events"] and all("cell-lab" in e["teams"] for e in team["events"])


def test_the_index_is_backfilled_for_revisions_written_before_it(
    store: Store, run: Run, tmp_path: Path
) -> None:
    """A store made before the agenda index (schema 0001) gets its revisions indexed on upgrade."""
    pid = new_plan(run, label="OLD")
    rows = store.sql(f"SELECT count(*) FROM agenda_spans WHERE plan_id = '{pid}'")  # noqa: S608
    assert rows[0][0] > 0
    conn = store.connect()
    try:
        if store.kind == "sqlite":
            conn.execute("DROP TABLE agenda_spans")
        else:
            conn.execute("DROP TABLE agenda_spans CASCADE")
        conn.execute("ALTER TABLE plans DROP COLUMN previous_plan")  # a later migration's
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    finally:
        conn.close()
    site = _site(tmp_path)
    body = _agenda(run, site, "2025-05-22", "2025-05-22")
    assert pid in {e["plan_id"] for e in body["events"]}


def test_the_team_calendar_and_the_page_show_labels_only(
    store: Store, run: Run, tmp_path: Path
) -> None:
    import icalendar

    site = _site(tmp_path)
    ok(
        run("plan", "new", "-p", "lupus-flucy", "--start", "2025-05-01", "--today",
            "2025-04-01", "--label", "L-1", "--name", "Jane Roe", "--by", "alice")
    )  # fmt: skip
    new_plan(run, label="L-2")
    out = tmp_path / "ward.ics"
    args = ("agenda", "--from", "2025-05-19", "--to", "2025-06-30", "--site", str(site))
    ok(run(*args, "--team", "ward", "--format", "ics", "--out", str(out), "--now", "2025-05-01"))
    data = out.read_bytes()
    cal = icalendar.Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    assert events and {str(e["summary"]).split(" · ")[0] for e in events} == {"L-1", "L-2"}
    assert b"Jane" not in data and b"Roe" not in data
    uids = [str(e["uid"]) for e in events]
    assert len(uids) == len(set(uids))
    # exported again unchanged: same UIDs, same SEQUENCE
    ok(run(*args, "--team", "ward", "--format", "ics", "--out", str(out), "--now", "2025-05-02"))
    again = icalendar.Calendar.from_ical(out.read_bytes())
    assert {(str(e["uid"]), int(e["sequence"])) for e in again.walk("VEVENT")} == {
        (str(e["uid"]), int(e["sequence"])) for e in events
    }
    page = ok(run(*args, "--format", "html", "--now", "2025-05-01")).out
    assert page.startswith("<!DOCTYPE html>") and "Jane" not in page
    assert "<script" not in page and "src=" not in page and "href=" not in page  # self-contained
    import html5lib

    html5lib.HTMLParser(strict=True).parse(page)


def test_every_dose_of_a_series_is_indexed_with_its_steps_teams_and_stage(
    store: Store, run: Run, tmp_path: Path
) -> None:
    """Stored events name expanded steps (infusion-2 … infusion-6, a watch after each dose):
    the index reads them through the same expansion, so the ward sees every dose."""
    ok(
        run("plan", "new", "-p", "mrna-bcma-mg", "--start", "2026-03-02", "--today",
            "2026-03-01", "--label", "M-1", "--by", "alice")
    )  # fmt: skip
    body = _agenda(run, _site(tmp_path), "2026-03-01", "2026-06-30", "--team", "ward")
    doses = [e for e in body["events"] if e["stage"] == "infusion"]
    assert [e["step"] for e in doses] == ["infusion", *(f"infusion-{k}" for k in range(2, 7))]
    assert all("ward" in e["teams"] and e["title"] == doses[0]["title"] for e in doses)
    watches = [e for e in body["events"] if e["step"].startswith("infusion-observation-")]
    assert len(watches) == 6 and all(e["stage"] == "monitoring" for e in watches)
