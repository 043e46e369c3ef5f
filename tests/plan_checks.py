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

    params = {x.name for x in p.parameters}
    # washout: starts the plan, lasts until apheresis, within its allowed range (protocols of other
    # modalities have no washout before an apheresis, or no apheresis at all: issue 12)
    if {"washout", "apheresis"} <= set(ev) and "washout_days" in params:
        _check_washout(plan, cal, ev)

    # people must be there: apheresis, release and infusion on working days
    for sid in ("apheresis", "release", "infusion"):
        if sid in ev:
            assert cal.closed(ev[sid].start) is None, (
                sid,
                ev[sid].start,
                cal.closed(ev[sid].start),
            )
    d0 = next(e for e in plan.events if e.step.day0)
    assert d0.start == day0 and cal.closed(d0.start) is None

    # manufacturing after apheresis, release after manufacturing
    if {"apheresis", "manufacturing", "release"} <= set(ev):
        aph, man, rel = ev["apheresis"], ev["manufacturing"], ev["release"]
        assert man.start > aph.end
        assert (man.end - man.start).days + 1 == v["manufacturing_days"]
        assert rel.start >= man.end

    # lymphodepletion: exactly the protocol days before D0, and only once the product is on site
    if "lymphodepletion" in ev:
        ld = ev["lymphodepletion"]
        days = sorted({d for dose in ld.step.regimen for d in dose.days})
        assert ld.day == days[0] and ld.day_end == days[-1] < 0
        for dose in ld.step.regimen:
            for d in dose.days:
                assert ld.start <= day0 + timedelta(days=d) <= ld.end
        if any(c.id == "ld-after-release" for c in p.constraints) and "release" in ev:
            assert ld.start >= ev["release"].end + timedelta(days=v["product_on_site_days"])

    # monitoring spans exactly as the parameters define them
    spans = {
        "iec-hs-watch": ("iec_hs_from_day", "iec_hs_until_day"),
        "crs-watch": (None, "crs_watch_until_day"),
        "icans-watch": (None, "icans_watch_until_day"),
    }
    for sid, (first, last) in spans.items():
        if sid in ev and last in params:
            assert (ev[sid].day, ev[sid].day_end) == (v[first] if first else 0, v[last]), sid
    for e in plan.events:
        if e.step.stage is Stage.monitoring:
            assert e.step.watch

    _check_windows_and_constraints(plan, cal, ev)


def _check_washout(plan: Plan, cal: WorkCalendar, ev: dict[str, Event]) -> None:
    p, v = plan.protocol, plan.parameters
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


def _check_windows_and_constraints(plan: Plan, cal: WorkCalendar, ev: dict[str, Event]) -> None:
    p, v, day0 = plan.protocol, plan.parameters, plan.day0

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
