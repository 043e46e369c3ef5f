"""Independent checks of a plan against its protocol, shared by the scheduling tests.

Written from the protocol's rules, not from the solver's code: each assertion re-derives what the
plan must satisfy.
"""

from __future__ import annotations

from datetime import date, timedelta

from cartplan.dates import add_months
from cartplan.messages import Message
from cartplan.protocol.format import Rule, Stage
from cartplan.protocol.graph import resolve
from cartplan.schedule.plan import Event, Plan, WorkCalendar


def events(plan: Plan) -> dict[str, Event]:
    return {e.step.id: e for e in plan.events}


def check_plan(plan: Plan, cal: WorkCalendar) -> None:
    p, ev = plan.protocol, events(plan)
    v = plan.parameters
    day0 = plan.day0
    assert len(ev) == len(p.steps)
    for e in plan.events:
        assert e.start <= e.end
        assert e.day == (e.start - day0).days and e.day_end == (e.end - day0).days

    # washout: starts the plan, lasts until apheresis, within its allowed range
    wash, aph = ev["washout"], ev["apheresis"]
    length = (aph.start - wash.start).days
    washout = p.parameter("washout_days")
    assert wash.start == plan.start and wash.end == aph.start - timedelta(days=1)
    assert washout.min <= length <= washout.max
    if length < v["washout_days"]:
        # never shorter than planned, unless every working day from the target to the maximum
        # is closed (a long holiday) — and then the note says why it went earlier
        target = wash.start + timedelta(days=v["washout_days"])
        assert all(
            cal.closed(target + timedelta(days=d))
            for d in range(washout.max - v["washout_days"] + 1)
        ), "shortened although a later working day was open"
        note = aph.notes[0]
        assert isinstance(note, Message) and note.code == "step.moved_earlier", note

    # people must be there: apheresis, release and infusion on working days
    for sid in ("apheresis", "release", "infusion"):
        assert cal.closed(ev[sid].start) is None, (sid, ev[sid].start, cal.closed(ev[sid].start))
    assert ev["infusion"].start == day0 and ev["infusion"].step.day0

    # manufacturing after apheresis, release after manufacturing
    man, rel = ev["manufacturing"], ev["release"]
    assert man.start > aph.end
    assert (man.end - man.start).days + 1 == v["manufacturing_days"]
    assert rel.start >= man.end

    # lymphodepletion: exactly the protocol days before D0, and only once the product is on site
    ld = ev["lymphodepletion"]
    days = sorted({d for dose in ld.step.regimen for d in dose.days})
    assert ld.day == days[0] and ld.day_end == days[-1] < 0
    for dose in ld.step.regimen:
        for d in dose.days:
            assert ld.start <= day0 + timedelta(days=d) <= ld.end
    if any(c.id == "ld-after-release" for c in p.constraints):  # not for fresh products (JDM)
        assert ld.start >= rel.end + timedelta(days=v["product_on_site_days"])

    # monitoring spans exactly as the parameters define them
    assert (ev["iec-hs-watch"].day, ev["iec-hs-watch"].day_end) == (
        v["iec_hs_from_day"],
        v["iec_hs_until_day"],
    )
    assert (ev["crs-watch"].day, ev["crs-watch"].day_end) == (0, v["crs_watch_until_day"])
    assert (ev["icans-watch"].day, ev["icans-watch"].day_end) == (0, v["icans_watch_until_day"])
    for e in plan.events:
        if e.step.stage is Stage.monitoring:
            assert e.step.watch

    # every step within its own window, and working days where its rule asks
    for e in plan.events:
        pl = e.step.placement
        if pl.after is None:
            anchor = plan.start
        elif pl.after == "day0":
            anchor = day0
        else:
            ref = ev[pl.after]
            anchor = ref.start if pl.edge == "start" else ref.end
        target = add_months(anchor, pl.offset_months) + timedelta(days=resolve(p, v, pl.offset))
        early, late = resolve(p, v, pl.early), resolve(p, v, pl.late)
        inside = target - timedelta(days=early) <= e.start <= target + timedelta(days=late)
        if not inside:  # only steps that may warn, and then the plan must say so
            assert e.step.outside_window == "warn", e.step.id
            assert any(
                isinstance(w, Message)
                and w.code == "plan.step_outside_window"
                and w.params["step"] == e.step.id
                for w in plan.warnings
            )
            assert all(cal.closed(target + timedelta(days=d)) for d in range(-early, late + 1))
        if pl.rule is not Rule.calendar:
            assert cal.closed(e.start) is None, (e.step.id, e.start)

    # every protocol constraint holds
    for c in p.constraints:
        a = ev[c.first.step].start if c.first.edge == "start" else ev[c.first.step].end
        b = ev[c.then.step].start if c.then.edge == "start" else ev[c.then.step].end
        gap = (b - a).days
        if c.min is not None:
            assert gap >= resolve(p, v, c.min), c.id
        if c.max is not None:
            assert gap <= resolve(p, v, c.max), c.id


def is_working_day(cal: WorkCalendar, day: date) -> bool:
    return cal.closed(day) is None
