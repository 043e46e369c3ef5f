"""Use cases of living plans: make and store a plan, show it, record facts and re-plan, read
the history, verify the audit trail, migrate to a new protocol version, close, and keep
calendars following the stored plan.

The store (cartplan.store), the clock and the protocol catalogue come in here; what a fact
changes is worked out by the pure core (cartplan.lifecycle) with the scheduler's pins.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from cartplan.errors import InfeasiblePlanError, InputError
from cartplan.services.planning import PlanArgs

if TYPE_CHECKING:
    from pathlib import Path

    from cartplan.lifecycle.changes import Change
    from cartplan.lifecycle.replan import Outcome
    from cartplan.lifecycle.states import Cascade, State
    from cartplan.patient.model import Patient
    from cartplan.protocol.format import Protocol
    from cartplan.schedule.plan import Plan, WorkCalendar
    from cartplan.store.db import Db
    from cartplan.store.records import AuditDetail, Request, StoredRevision
    from cartplan.store.repo import NewPlanRows, PlanRow


def who(by: str | None) -> str:
    """Who makes a change: --by, else $CARTPLAN_USER, else the login name of this session."""
    for candidate in (by, os.environ.get("CARTPLAN_USER")):
        if candidate is not None and candidate.strip():
            return candidate.strip()
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers without a passwd entry)
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def stamp(at: datetime) -> str:
    """A UTC instant as the store keeps it: 2025-05-23T10:15:00Z."""
    from datetime import UTC

    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@contextmanager
def store(db_url: str | None) -> Iterator[Db]:
    """An open connection to the store named by --db / $CARTPLAN_DB / the default file."""
    from cartplan.store import db as store_db
    from cartplan.store.url import resolve

    db = store_db.connect(resolve(db_url))
    try:
        yield db
    finally:
        db.close()


# ------------------------------------------------------------------ loading a stored plan


class Loaded(NamedTuple):
    row: PlanRow
    revision: int
    request: Request
    protocol: Protocol  # the snapshot, with the plan's dosing choices
    snapshot: str  # its digest
    stored: StoredRevision
    plan: Plan
    states: dict[str, State]
    patient: Patient | None
    previous: PlanRow | None = None  # the earlier plan a re-treatment follows


def load(db: Db, ref: str, revision: int | None = None) -> Loaded:
    from cartplan.store import repo
    from cartplan.store.records import Request, StoredRevision

    with db.reading():
        row = repo.find(db, ref)
        n = row.revision if revision is None else revision
        if not 1 <= n <= row.revision:
            raise InputError(
                f"--revision {n}: plan {row.plan_id} has revisions 1 to {row.revision}"
            )
        digest, content, _ = repo.revision(db, row.plan_id, n)
        _, _, snapshot = repo.snapshot(db, digest)
        request = Request.model_validate_json(repo.request(db, row.plan_id))
        previous = None if row.previous_plan is None else repo.find(db, row.previous_plan)
    stored = StoredRevision.model_validate_json(content)
    protocol = _with_choices(_protocol(snapshot), request)
    patient = _patient(request)
    plan, states = plan_of(protocol, stored, patient)
    return Loaded(row, n, request, protocol, digest, stored, plan, states, patient, previous)


def _protocol(snapshot: str) -> Protocol:
    from cartplan.sources.catalogue import from_snapshot

    return from_snapshot(json.loads(snapshot))


def _with_choices(protocol: Protocol, request: Request) -> Protocol:
    update = {
        k: v
        for k, v in (("bsa_formula", request.bsa_formula), ("crcl_weight", request.crcl_weight))
        if v is not None
    }
    if not update:
        return protocol
    return protocol.model_copy(update={"dosing": protocol.dosing.model_copy(update=update)})


def _patient(request: Request) -> Patient | None:
    if request.patient is None:
        return None
    from cartplan.patient.model import Patient

    return Patient.model_validate(request.patient)


def plan_of(
    protocol: Protocol,
    stored: StoredRevision,
    patient: Patient | None,
    calendar: WorkCalendar | None = None,
) -> tuple[Plan, dict[str, State]]:
    """The Plan every output reads, and the step states, from a stored revision."""
    from cartplan.lifecycle.states import State, StepStatus
    from cartplan.protocol.expand import expand
    from cartplan.schedule.plan import Event, MondayToFriday, Plan

    # Stored events name expanded steps (dose 2 of a series, cycle 2): expand as planning did.
    protocol = expand(protocol, stored.parameters)
    steps = {s.id: s for s in protocol.steps}
    missing = [e.step for e in stored.events if e.step not in steps]
    if missing:
        from cartplan.errors import AuditError

        raise AuditError(f"the stored plan names steps its protocol snapshot lacks: {missing}")
    kept = {e.step for e in stored.events}
    kept_protocol = protocol.model_copy(
        update={"steps": [s for s in protocol.steps if s.id in kept]}
    )
    events = tuple(
        Event(
            step=steps[e.step],
            start=e.start,
            end=e.end,
            day=e.day,
            day_end=e.day_end,
            notes=tuple(e.notes),
            time=e.time,
            minutes=e.minutes,
        )
        for e in stored.events
    )
    dosing = None
    if patient is not None and (patient.weight_kg, patient.height_cm) != (None, None):
        from cartplan.patient.dosing import patient_numbers

        dosing = patient_numbers(kept_protocol, patient, stored.day0)
    plan = Plan(
        kept_protocol,
        dict(stored.parameters),
        stored.start,
        stored.day0,
        events,
        tuple(stored.warnings),
        patient,
        dosing,
        stored.age,
        frozenset(stored.facts),
        calendar or MondayToFriday(),
    )
    states = {
        e.step: State(StepStatus(e.status), e.actual, e.reason)
        for e in stored.events
        if e.status != StepStatus.planned.value
    }
    return plan, states


def stored_of(plan: Plan, states: Mapping[str, State], status: str) -> StoredRevision:
    from cartplan.lifecycle.states import PLANNED
    from cartplan.store.records import StoredEvent, StoredRevision
    from cartplan.views import facts

    events = []
    for e in plan.events:
        st = states.get(e.step.id, PLANNED)
        events.append(
            StoredEvent(
                step=e.step.id,
                start=e.start,
                end=e.end,
                day=e.day,
                day_end=e.day_end,
                notes=facts.notes(e),
                time=e.time,
                minutes=e.minutes,
                status=st.status.value,
                actual=st.actual,
                reason=st.reason,
            )
        )
    return StoredRevision(
        status=status,
        start=plan.start,
        day0=plan.day0,
        parameters=dict(plan.parameters),
        warnings=facts.warnings(plan),
        age=plan.age,
        facts=sorted(plan.facts),
        events=events,
    )


def _dump(model: Any) -> str:
    from cartplan.store.chain import canonical

    return canonical(model.model_dump(mode="json"))


def _snapshot_of(protocol: Protocol) -> tuple[str, str]:
    """(digest, content) of a protocol as the store keeps it."""
    from cartplan.store.chain import canonical, sha256

    content = canonical(protocol.model_dump(mode="json", exclude_unset=True))
    return sha256(content), content


# ------------------------------------------------------------------ re-planning


def _calendar(request: Request) -> WorkCalendar:
    if request.country is None and not request.closures:
        from cartplan.schedule.plan import MondayToFriday

        return MondayToFriday()
    from cartplan.sources.site_calendar import SiteCalendar

    return SiteCalendar(request.country, request.subdiv, request.closures or None)


def site_zone(request: Request, patient: Patient | None) -> str | None:
    return request.tz or (patient.timezone if patient is not None else None)


def _solver(request: Request, patient: Patient | None, calendar: WorkCalendar) -> Any:
    """solve(protocol, pins): the same request planned again with the pinned days fixed."""
    from cartplan.errors import InfeasiblePlanError
    from cartplan.schedule import planner
    from cartplan.services.planning import parse_overrides
    from cartplan.sources import catalogue

    overrides, times, minutes = parse_overrides(request.sets)
    washout = catalogue.washout_table() if patient is not None else None

    def solve(protocol: Protocol, pins: Mapping[str, date], start: date) -> Plan:
        first = next(s.id for s in protocol.steps if s.placement.after is None)
        begin = pins.get(first, start)

        def plan(pinned: Mapping[str, date]) -> Plan:
            return planner.schedule(
                protocol,
                start=begin,
                overrides=overrides,
                calendar=calendar,
                patient=patient,
                washout=washout,
                times=times,
                durations=minutes,
                pins=pinned,
                actual=True,  # recorded days happened: windows and closed days do not judge them
            )

        result = plan(pins)
        d0 = protocol.day0_step.id
        target = request.infusion
        if target is not None and d0 not in pins and result.day0 < target:
            # A plan made backward from a target infusion day keeps that day when it can.
            try:
                result = plan({**pins, d0: target})
            except InfeasiblePlanError:
                pass
        return result

    return solve


class Preview(NamedTuple):
    """A change worked out from revision `base`: saved as `saved` unless it was a dry run."""

    loaded: Loaded
    outcome: Outcome
    base: int
    saved: int | None


def _today(loaded: Loaded, today: str | None) -> date:
    from cartplan.services.planning import today_in

    return today_in(site_zone(loaded.request, loaded.patient), today)


def _check_active(loaded: Loaded) -> None:
    if loaded.row.status != "active":
        raise InputError(
            f"plan {loaded.row.plan_id} ({loaded.row.label}) is {loaded.row.status}: a closed "
            "plan takes no more changes"
        )


def _check_base(loaded: Loaded, if_revision: int | None) -> int:
    from cartplan.errors import ConflictError

    if if_revision is not None and if_revision != loaded.revision:
        raise ConflictError(
            f"plan {loaded.row.plan_id} is at revision {loaded.revision}, not {if_revision} "
            "(--if-revision): it changed since you looked; nothing was saved"
        )
    return loaded.revision


def record(
    db: Db,
    ref: str,
    step: str,
    status: str,
    on: str | None,
    reason: str,
    by: str,
    cascade: Cascade,
    dry_run: bool,
    if_revision: int | None,
    now: datetime,
    today: str | None,
) -> Preview:
    from cartplan.dates import parse_date
    from cartplan.lifecycle import replan
    from cartplan.lifecycle.states import Fact, StepStatus
    from cartplan.store import repo
    from cartplan.store.records import FactRecord

    loaded = load(db, ref)
    _check_active(loaded)
    base = _check_base(loaded, if_revision)
    day = _today(loaded, today)
    st = StepStatus(status)
    when = parse_date(on, "--date") if on is not None else None
    if when is None and st in (StepStatus.done, StepStatus.failed):
        when = day  # it happened today
    fact = Fact(step, st, when, reason)
    calendar = _calendar(loaded.request)
    solve = _solver(loaded.request, loaded.patient, calendar)
    try:
        outcome = replan.record(
            loaded.protocol,
            loaded.plan,
            loaded.states,
            fact,
            cascade=cascade,
            today=day,
            calendar=calendar,
            solve=lambda p, pins: solve(p, pins, loaded.plan.start),
        )
    except InfeasiblePlanError as e:
        raise InfeasiblePlanError(
            f"{step} {status}: refused, nothing was saved — it leaves no plan: {e}"
        ) from None
    if dry_run:
        return Preview(loaded, outcome, base, None)
    fact_record = FactRecord(
        step=step,
        status=st.value,
        date=when.isoformat() if when else None,
        reason=reason,
        cascade=cascade.value,
    )
    new = _revision(
        loaded, outcome, now, by, "record", reason, fact=fact_record, status=loaded.row.status
    )
    saved = repo.append(db, loaded.row.plan_id, base, new)
    return Preview(loaded, outcome, base, saved)


def _revision(
    loaded: Loaded,
    outcome: Outcome,
    now: datetime,
    by: str,
    action: str,
    reason: str | None,
    *,
    status: str,
    fact: Any = None,
    protocol: Protocol | None = None,
    snapshot: str | None = None,
    plan_status: dict[str, str] | None = None,
) -> Any:
    from cartplan.i18n import render
    from cartplan.store import repo
    from cartplan.store.records import AuditDetail

    plan = outcome.plan
    if loaded.previous is not None:  # a re-planned re-treatment still names the lot it thaws
        plan = _with_lot_note(plan, loaded.previous)
    stored = stored_of(plan, outcome.states, status)
    p = protocol or loaded.protocol
    detail = AuditDetail(
        fact=fact,
        changes=[change_record(c) for c in outcome.changes],
        notices=[render(n) for n in outcome.notices],
        protocol=None
        if snapshot is None
        else {"id": p.id, "version": p.version, "digest": snapshot},
        status=plan_status,
    )
    at = stamp(now)
    return repo.NewRevision(
        snapshot=snapshot or loaded.snapshot,
        content=_dump(stored),
        at=at,
        by=by,
        action=action,
        reason=reason,
        detail=_dump(detail),
        status=status,
        day0=outcome.plan.day0.isoformat(),
        protocol_version=p.version,
        fact=None
        if fact is None
        else repo.FactRow(fact.step, fact.status, fact.date, fact.reason, by, at),
    )


def change_record(c: Change) -> Any:
    from cartplan.i18n import render
    from cartplan.store.records import ChangeRecord, SlotRecord

    def slot(s: Any) -> SlotRecord | None:
        return None if s is None else SlotRecord(start=s.start, end=s.end, status=s.status.value)

    return ChangeRecord(
        step=c.step, title=c.title, old=slot(c.old), new=slot(c.new), why=render(c.why)
    )


# ------------------------------------------------------------------ making a plan


class Lookups:
    """What plans made one after another share, read once: protocols by id or path (each with
    its snapshot), the washout table, site calendars and closures files. `plan new` makes one
    for its one plan; `plan import` one for the whole file, so 10,000 rows read each protocol
    once (and the scheduler keeps its compiled networks, which it holds per protocol object)."""

    def __init__(self) -> None:
        self._protocols: dict[str, Protocol] = {}
        self._chosen: dict[tuple[str, str | None, str | None], Protocol] = {}
        self._snapshots: dict[str, tuple[str, str]] = {}
        self._washout: Any = None
        self._calendars: dict[tuple[str | None, str | None, str | None], WorkCalendar] = {}
        self._closures: dict[str, dict[date, str]] = {}

    def protocol(self, spec: str) -> Protocol:
        """The protocol as the catalogue has it (its snapshot is what the store keeps)."""
        found = self._protocols.get(spec)
        if found is None:
            from cartplan.sources import catalogue

            found = self._protocols[spec] = catalogue.load(spec)
        return found

    def chosen(self, args: PlanArgs) -> Protocol:
        """The protocol with the plan's dosing choices (--bsa-formula, --crcl-weight)."""
        from cartplan.services.planning import with_dosing_choices

        key = (args.protocol, args.bsa_formula, args.crcl_weight)
        found = self._chosen.get(key)
        if found is None:
            found = self._chosen[key] = with_dosing_choices(self.protocol(args.protocol), args)
        return found

    def snapshot(self, spec: str) -> tuple[str, str]:
        """(digest, content) of the protocol's snapshot."""
        found = self._snapshots.get(spec)
        if found is None:
            found = self._snapshots[spec] = _snapshot_of(self.protocol(spec))
        return found

    def washout(self) -> Any:
        if self._washout is None:
            from cartplan.sources import catalogue

            self._washout = catalogue.washout_table()
        return self._washout

    def closures(self, path: Path | Mapping[date, str] | None) -> dict[date, str]:
        if path is None:
            return {}
        if isinstance(path, Mapping):  # the days a site file lists
            return dict(path)
        found = self._closures.get(str(path))
        if found is None:
            from cartplan.sources.site_calendar import read_closures

            found = self._closures[str(path)] = read_closures(path)
        return found

    def calendar(
        self, country: str | None, subdiv: str | None, closures: Path | Mapping[date, str] | None
    ) -> WorkCalendar:
        """The site's working days (planning.work_calendar), each closures file read once."""
        from cartplan.services.planning import work_calendar

        if isinstance(closures, Mapping):  # a site file's own list
            return work_calendar(country, subdiv, closures)
        key = (country, subdiv, None if closures is None else str(closures))
        found = self._calendars.get(key)
        if found is None:
            days = self.closures(closures) if closures is not None else None
            found = self._calendars[key] = work_calendar(country, subdiv, days)
        return found


def prepare(
    args: PlanArgs,
    by: str,
    reason: str | None,
    now: datetime,
    lookups: Lookups | None = None,
    previous: PlanRow | None = None,
) -> tuple[NewPlanRows, Plan]:
    """Plan what was asked and build what the store keeps of it (nothing is written): the
    one path from a `plan new` request to the store's rows, for `plan import` too. `previous`:
    the earlier plan a re-treatment protocol re-uses the stored lot of (`--after`)."""
    import secrets

    from cartplan.dates import parse_date
    from cartplan.schedule import planner
    from cartplan.services.planning import parse_overrides, patient_from, today_in
    from cartplan.store import repo
    from cartplan.store.records import AuditDetail, Request

    shared = lookups or Lookups()
    if not args.label or not args.label.strip():
        raise InputError("--label: a stored plan needs the patient's pseudonymous label")
    if (args.start is None) == (args.infusion is None):
        raise InputError("give exactly one of --start (first washout day) or --infusion (D0)")
    begin = parse_date(args.start, "--start") if args.start is not None else None
    d0 = parse_date(args.infusion, "--infusion") if args.infusion is not None else None
    overrides, times, minutes = parse_overrides(args.sets)
    today = today_in(args.tz, args.today)
    calendar = shared.calendar(args.country, args.subdiv, args.closures)
    original = shared.protocol(args.protocol)
    _check_link(original, previous)
    protocol = shared.chosen(args)
    patient = patient_from(
        args, today, begin or d0, doses_continue=not protocol.washout_starts_plan
    )
    plan = planner.schedule(
        protocol,
        start=begin,
        infusion=d0,
        overrides=overrides,
        calendar=calendar,
        today=today,
        patient=patient,
        washout=shared.washout() if patient is not None else None,
        times=times,
        durations=minutes,
    )
    if previous is not None:
        plan = _with_lot_note(plan, previous)
    request = Request(
        protocol=original.id,
        start=begin,
        infusion=d0,
        sets=list(args.sets or []),
        country=args.country,
        subdiv=args.subdiv,
        closures=shared.closures(args.closures),
        tz=args.tz,
        patient=None if patient is None else patient.model_dump(mode="json", exclude_unset=True),
        bsa_formula=args.bsa_formula,
        crcl_weight=args.crcl_weight,
    )
    digest, content = shared.snapshot(args.protocol)
    stored = stored_of(plan, {}, "active")
    detail = AuditDetail(
        protocol={"id": original.id, "version": original.version, "digest": digest},
        changes=_joined(plan),
    )
    at = stamp(now)
    first = repo.NewRevision(
        snapshot=digest,
        content=_dump(stored),
        at=at,
        by=by,
        action="create",
        reason=reason,
        detail=_dump(detail),
        status="active",
        day0=plan.day0.isoformat(),
        protocol_version=original.version,
    )
    label = args.label.strip()
    rows = repo.NewPlanRows(
        secrets.token_hex(8),
        label,
        original.id,
        content,
        _dump(request),
        first,
        None if previous is None else previous.plan_id,
    )
    return rows, plan


def new(
    db: Db, args: PlanArgs, by: str, reason: str | None, now: datetime, after: str | None = None
) -> tuple[str, Plan]:
    """Plan what was asked, store it as revision 1, and return its new id. `after`: the earlier
    plan (id or active label) a re-treatment protocol re-uses the stored lot of; required for a
    `retreatment: true` protocol, refused for any other."""
    from cartplan.store import repo
    from cartplan.store.records import Request

    previous: PlanRow | None = None
    earlier: Request | None = None
    taken: list[str] = []
    if after is not None:
        with db.reading():
            previous = repo.find(db, after)
            earlier = Request.model_validate_json(repo.request(db, previous.plan_id))
            taken = repo.followers(db, previous.plan_id)
    rows, plan = prepare(args, by, reason, now, previous=previous)
    if previous is not None and earlier is not None:
        _retreatment_fits(previous, earlier, rows, plan, taken)
    repo.create(db, *rows)
    return rows.plan_id, plan


RETREAT_AFTER_DAYS = 28  # the first course's safety window (D0-D28) ends before a second course


def _retreatment_fits(
    previous: PlanRow, earlier: Request, rows: NewPlanRows, plan: Plan, taken: list[str]
) -> None:
    """A re-treatment thaws the stored lot of the earlier plan: the same patient (sex, birth
    date, record number and age agree where both plans know them), one active re-treatment per
    lot, and not before the first course's D0-D28 window has ended. InputError otherwise."""
    import json

    from cartplan.dates import parse_date

    ref = f"--after {previous.label}"
    if taken:
        raise InputError(
            f"{ref}: its stored lot is already planned for active plan(s) {', '.join(taken)}; "
            "close that plan first (one active re-treatment per lot)"
        )
    old = earlier.patient or {}
    new = json.loads(rows.request_content).get("patient") or {}
    differ = [
        what
        for what, a, b in (
            ("sex", old.get("sex"), new.get("sex")),
            ("birth date", _born(old), _born(new)),
            ("record number", (old.get("phi") or {}).get("mrn"), (new.get("phi") or {}).get("mrn")),
        )
        if a is not None and b is not None and a != b
    ]
    first_d0 = parse_date(previous.day0, "day0")
    years = (plan.day0 - first_d0).days // 365
    if old.get("age") is not None and new.get("age") is not None:
        if not old["age"] <= new["age"] <= old["age"] + years + 1:
            differ.append("age")
    if differ:
        raise InputError(
            f"{ref}: the patient's {', '.join(differ)} differ(s) from plan {previous.label}'s "
            "(values not shown); a stored lot is only for the patient it was made from"
        )
    begins = min(e.start for e in plan.events)
    if (begins - first_d0).days <= RETREAT_AFTER_DAYS:
        raise InputError(
            f"{ref}: this re-treatment would begin {begins.isoformat()}, "
            f"{(begins - first_d0).days} days after plan {previous.label}'s infusion "
            f"({previous.day0}); a second course begins after the first course's D0-D28 safety "
            f"window (from {date.fromordinal(first_d0.toordinal() + RETREAT_AFTER_DAYS + 1)} on)"
        )


def _born(patient: dict[str, Any]) -> Any:
    return patient.get("birth_date") or (patient.get("phi") or {}).get("birth_date")


def _check_link(protocol: Protocol, previous: PlanRow | None) -> None:
    """A `retreatment: true` protocol follows an earlier plan (--after); any other makes a new
    product and follows none."""
    if previous is None and protocol.retreatment:
        raise InputError(
            f"--after: protocol {protocol.id} re-treats with the stored lot of an earlier "
            "plan: give that plan's id or label (--after PLAN)"
        )
    if previous is not None and not protocol.retreatment:
        raise InputError(
            f"--after {previous.label}: protocol {protocol.id} is not a re-treatment protocol "
            "(retreatment: true); it makes a new product, so it follows no earlier plan"
        )


def _with_lot_note(plan: Plan, previous: PlanRow) -> Plan:
    """The thaw step (else the infusion) notes which plan's stored lot it thaws (once: a
    re-planned revision keeps the note of the events it carries over)."""
    from cartplan.messages import msg
    from cartplan.views.facts import in_words

    ids = [e.step.id for e in plan.events]
    target = "thaw" if "thaw" in ids else plan.protocol.day0_step.id
    note = msg(
        "plan.retreatment_lot",
        label=previous.label,
        plan=previous.plan_id,
        protocol=previous.protocol_id,
        day0=previous.day0,
    )
    said = in_words(note)
    events = tuple(
        e._replace(notes=(*e.notes, note))
        if e.step.id == target and said not in {in_words(n) for n in e.notes}
        else e
        for e in plan.events
    )
    return plan._replace(events=events)


def _joined(plan: Plan) -> list[Any]:
    """The change records of a new plan: every step joined it (what change_record makes of
    a Change with no old slot, the words rendered once for all steps)."""
    from cartplan.i18n import render
    from cartplan.lifecycle.states import StepStatus
    from cartplan.messages import msg
    from cartplan.store.records import ChangeRecord, SlotRecord

    why = render(msg("change.created"))
    planned = StepStatus.planned.value
    return [
        ChangeRecord(
            step=e.step.id,
            title=e.step.title,
            old=None,
            new=SlotRecord(start=e.start, end=e.end, status=planned),
            why=why,
        )
        for e in plan.events
    ]


# ------------------------------------------------------------------ migrate and close


def migrate(
    db: Db,
    ref: str,
    version: str,
    source: str | None,
    by: str,
    reason: str,
    dry_run: bool,
    if_revision: int | None,
    now: datetime,
    today: str | None,
) -> Preview:
    from cartplan.lifecycle import replan
    from cartplan.sources import catalogue
    from cartplan.store import repo

    loaded = load(db, ref)
    _check_active(loaded)
    base = _check_base(loaded, if_revision)
    if not reason.strip():
        raise InputError("--reason: say why the plan moves to another protocol version")
    target = catalogue.load(source or loaded.request.protocol)
    if target.id != loaded.protocol.id:
        raise InputError(f"--from {source}: that is protocol {target.id}, not {loaded.protocol.id}")
    if target.version != version:
        raise InputError(
            f"--to-version {version}: protocol {target.id} here is version {target.version} "
            "(give --from FILE for another file of the protocol)"
        )
    if target.version == loaded.protocol.version:
        raise InputError(f"plan {loaded.row.plan_id} is already on {target.id} {version}")
    digest, content = _snapshot_of(target)
    new_protocol = _with_choices(target, loaded.request)
    calendar = _calendar(loaded.request)
    solve = _solver(loaded.request, loaded.patient, calendar)
    try:
        outcome = replan.migrate(
            loaded.protocol,
            new_protocol,
            loaded.plan,
            loaded.states,
            today=_today(loaded, today),
            solve=lambda p, pins: solve(p, pins, loaded.plan.start),
        )
    except InfeasiblePlanError as e:
        raise InfeasiblePlanError(
            f"migrate to {target.id} {version}: refused, nothing was saved — it leaves no plan: {e}"
        ) from None
    if dry_run:
        return Preview(loaded, outcome, base, None)
    new_rev = _revision(
        loaded,
        outcome,
        now,
        by,
        "migrate",
        reason,
        status=loaded.row.status,
        protocol=target,
        snapshot=digest,
    )
    saved = repo.append(db, loaded.row.plan_id, base, new_rev, (target.id, content))
    return Preview(loaded, outcome, base, saved)


def close(
    db: Db, ref: str, status: str, reason: str, by: str, if_revision: int | None, now: datetime
) -> Preview:
    from cartplan.lifecycle.replan import Outcome
    from cartplan.store import repo

    loaded = load(db, ref)
    _check_active(loaded)
    base = _check_base(loaded, if_revision)
    if not reason.strip():
        raise InputError("--reason: say why the plan is closed")
    outcome = Outcome(loaded.plan, loaded.states, ())
    new_rev = _revision(
        loaded,
        outcome,
        now,
        by,
        "close",
        reason,
        status=status,
        plan_status={"old": loaded.row.status, "new": status},
    )
    saved = repo.append(db, loaded.row.plan_id, base, new_rev)
    return Preview(loaded, outcome, base, saved)


# ------------------------------------------------------------------ history and verify


class HistoryEntry(NamedTuple):
    entry: int
    revision: int
    action: str
    at: datetime  # UTC
    at_site: datetime | None  # the same instant in the site's zone, when the plan has one
    zone: str | None
    by: str
    reason: str | None
    detail: AuditDetail
    hash: str


def history(db: Db, ref: str) -> tuple[Loaded, list[HistoryEntry]]:
    from datetime import UTC
    from zoneinfo import ZoneInfo

    from cartplan.store import repo
    from cartplan.store.records import AuditDetail

    loaded = load(db, ref)
    zone_name = site_zone(loaded.request, loaded.patient)
    zone = ZoneInfo(zone_name) if zone_name else None
    out = []
    for e in repo.audit(db, loaded.row.plan_id):
        at = datetime.strptime(e.at, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        out.append(
            HistoryEntry(
                e.entry,
                e.revision,
                e.action,
                at,
                at.astimezone(zone) if zone else None,
                zone_name,
                e.by,
                e.reason,
                AuditDetail.model_validate_json(e.detail),
                e.hash,
            )
        )
    return loaded, out


def verify(db: Db, ref: str | None) -> list[tuple[str, int]]:
    """(plan id, entries) of every plan checked; AuditError at the first broken entry."""
    from cartplan.store import repo

    ids = [repo.find(db, ref).plan_id] if ref is not None else repo.audited_plan_ids(db)
    return [(pid, repo.verify(db, pid)) for pid in ids]


def plans(db: Db, status: str) -> list[PlanRow]:
    from cartplan.store import repo

    return repo.plans(db, None if status == "all" else status)


# ------------------------------------------------------------------ outputs


def shown_plan(loaded: Loaded) -> Plan:
    """The plan for people: each step's status and recorded day added to its notes."""
    from cartplan.dates import fmt
    from cartplan.lifecycle.states import PLANNED, StepStatus

    events = []
    for e in loaded.plan.events:
        st = loaded.states.get(e.step.id, PLANNED)
        if st.status is not StepStatus.planned:
            day = f" on {fmt(st.actual)}" if st.actual is not None else ""
            why = f": {st.reason}" if st.reason else ""
            e = e._replace(notes=(f"{st.status.value.upper()}{day}{why}", *e.notes))
        events.append(e)
    return loaded.plan._replace(events=tuple(events))


def in_calendars(loaded: Loaded) -> Plan:
    """The plan as calendars carry it: cancelled steps have left it."""
    from cartplan.lifecycle.states import PLANNED, StepStatus

    events = tuple(
        e
        for e in loaded.plan.events
        if loaded.states.get(e.step.id, PLANNED).status is not StepStatus.cancelled
    )
    return loaded.plan._replace(events=events)


def plan_json(loaded: Loaded, include_phi: bool) -> dict[str, Any]:
    """The schedule contract plus plan_id, label, status and revision, and per event its
    status, recorded dates (actual) and reason."""
    from cartplan.exports import json as json_contract
    from cartplan.lifecycle.states import PLANNED

    body = json_contract.plan_json(loaded.plan, include_phi)
    for out, e in zip(body["events"], loaded.plan.events, strict=True):
        st = loaded.states.get(e.step.id, PLANNED)
        out["status"] = st.status.value
        out["actual"] = (
            None
            if st.actual is None
            else {
                "start": st.actual.isoformat(),
                "end": (st.actual + (e.end - e.start)).isoformat(),
            }
        )
        out["status_reason"] = st.reason
    head = {
        "plan_id": loaded.row.plan_id,
        "label": loaded.row.label,
        "status": loaded.stored.status,
        "revision": loaded.revision,
    }
    if loaded.row.previous_plan is not None:
        head["previous_plan"] = loaded.row.previous_plan
    return {**head, **body}


def fhir_bundle(db: Db, ref: str, include_phi: bool, now: datetime) -> dict[str, Any]:
    """The stored plan as a FHIR R4 Bundle: its latest revision, every recorded fact as the
    activity's status and outcome (Procedure, MedicationAdministration), one Provenance per
    revision (who, when, why)."""
    from cartplan.exports import fhir
    from cartplan.lifecycle.states import StepStatus

    loaded, entries = history(db, ref)
    facts = []
    revisions = []
    for h in entries:
        f = h.detail.fact
        if f is not None:
            facts.append(
                fhir.Recorded(
                    step=f.step,
                    status=StepStatus(f.status),
                    recorded_at=h.at,
                    by=h.by,
                    on=date.fromisoformat(f.date) if f.date else None,
                    reason=f.reason,
                )
            )
        revisions.append(fhir.Revision(recorded_at=h.at, by=h.by, reason=h.reason or h.action))
    opts = calendar_options(loaded, now, include_phi)
    plan = in_calendars(loaded)
    # the whole protocol snapshot: the PlanDefinition lists every step, applicable or not
    return fhir.bundle(plan, opts, facts, revisions, protocol=loaded.protocol)


def calendar_options(loaded: Loaded, now: datetime, include_phi: bool) -> Any:
    from cartplan.exports import ics

    return ics.Options(
        loaded.row.plan_id, now, site_zone(loaded.request, loaded.patient), include_phi
    )
