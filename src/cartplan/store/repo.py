"""Rows in and out of the plan store: plans, snapshots, requests, revisions, facts, the audit
trail and the publish log. Every change to a plan is one transaction that first checks the
revision the change was computed from (optimistic concurrency): a plan changed meanwhile is a
ConflictError and nothing is written."""

from __future__ import annotations

from typing import NamedTuple

from cartplan.errors import AuditError, ConflictError, InputError
from cartplan.store import chain, index
from cartplan.store.db import Db, Duplicate

_PLAN_COLUMNS = (
    "plan_id, label, protocol_id, protocol_version, status, revision, day0, created_at, "
    "updated_at, previous_plan"
)
_AUDIT_COLUMNS = (
    "plan_id, entry, revision, at, by, action, reason, detail, revision_digest, prev_hash, hash"
)


class PlanRow(NamedTuple):
    plan_id: str
    label: str
    protocol_id: str
    protocol_version: str
    status: str
    revision: int
    day0: str
    created_at: str
    updated_at: str
    previous_plan: str | None = None  # the earlier plan this one re-treats after (its id)


class FactRow(NamedTuple):
    step: str
    status: str
    on_date: str | None
    reason: str
    recorded_by: str
    recorded_at: str


class NewRevision(NamedTuple):
    """What one change writes: the revision, its fact (if any) and its audit entry's content."""

    snapshot: str  # digest of the protocol snapshot the revision was made from
    content: str  # the revision as canonical JSON
    at: str
    by: str
    action: str
    reason: str | None
    detail: str  # canonical JSON
    status: str  # the plan's status after the change
    day0: str
    protocol_version: str
    fact: FactRow | None = None


class PublishRow(NamedTuple):
    entry: int
    revision: int
    at: str
    by: str
    kind: str
    target: str
    sent: str  # JSON: {uid: [sequence, digest]}
    removed: str  # JSON: [uid, …]


# ------------------------------------------------------------------ reading


def find(db: Db, ref: str) -> PlanRow:
    """A plan by id, or by the label of an active plan; InputError when there is none."""
    row = db.one(f"SELECT {_PLAN_COLUMNS} FROM plans WHERE plan_id = :ref", ref=ref)
    if row is None:
        row = db.one(
            f"SELECT {_PLAN_COLUMNS} FROM plans WHERE label = :ref AND status = 'active'",
            ref=ref,
        )
    if row is None:
        raise InputError(
            f"no plan '{ref}' in {db.url.shown}: give a plan id or the label of an active plan "
            "(cartplan plan list)"
        )
    return PlanRow(*row)


def followers(db: Db, plan_id: str) -> list[str]:
    """Labels of the active plans that re-treat with the stored lot of `plan_id`."""
    rows = db.rows(
        "SELECT label FROM plans WHERE previous_plan = :p AND status = 'active' ORDER BY label",
        p=plan_id,
    )
    return [str(r[0]) for r in rows]


def plans(db: Db, status: str | None) -> list[PlanRow]:
    where = "" if status is None else " WHERE status = :status"
    rows = db.rows(
        f"SELECT {_PLAN_COLUMNS} FROM plans{where} ORDER BY created_at, plan_id",
        status=status,
    )
    return [PlanRow(*r) for r in rows]


def active_labels(db: Db, labels: list[str]) -> dict[str, str]:
    """Which of `labels` active plans carry: label -> plan id."""
    found: dict[str, str] = {}
    wanted = sorted(set(labels))
    for k in range(0, len(wanted), 500):  # bounded statements on either database
        part = wanted[k : k + 500]
        marks = ", ".join(f":l{i}" for i in range(len(part)))
        rows = db.rows(
            f"SELECT label, plan_id FROM plans WHERE status = 'active' AND label IN ({marks})",
            **{f"l{i}": label for i, label in enumerate(part)},
        )
        found.update({str(r[0]): str(r[1]) for r in rows})
    return found


def snapshot(db: Db, digest: str) -> tuple[str, str, str]:
    """(protocol id, version, content) of a protocol snapshot."""
    row = db.one("SELECT protocol_id, version, content FROM snapshots WHERE digest = :d", d=digest)
    if row is None:
        raise AuditError(f"protocol snapshot {digest[:12]} is missing from the store")
    return str(row[0]), str(row[1]), str(row[2])


def request(db: Db, plan_id: str) -> str:
    row = db.one("SELECT content FROM requests WHERE plan_id = :p", p=plan_id)
    if row is None:
        raise AuditError(f"plan {plan_id}: its request is missing from the store")
    return str(row[0])


def revision(db: Db, plan_id: str, n: int) -> tuple[str, str, str]:
    """(snapshot digest, content, digest) of revision n."""
    row = db.one(
        "SELECT snapshot, content, digest FROM revisions WHERE plan_id = :p AND revision = :n",
        p=plan_id,
        n=n,
    )
    if row is None:
        raise InputError(f"plan {plan_id} has no revision {n}")
    return str(row[0]), str(row[1]), str(row[2])


def revisions(db: Db, plan_id: str) -> list[tuple[int, str, str, str]]:
    """(revision, snapshot, content, digest) of every revision, oldest first."""
    rows = db.rows(
        "SELECT revision, snapshot, content, digest FROM revisions WHERE plan_id = :p "
        "ORDER BY revision",
        p=plan_id,
    )
    return [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def facts(db: Db, plan_id: str) -> dict[int, FactRow]:
    rows = db.rows(
        "SELECT revision, step, status, on_date, reason, recorded_by, recorded_at FROM facts "
        "WHERE plan_id = :p ORDER BY revision",
        p=plan_id,
    )
    return {int(r[0]): FactRow(*r[1:]) for r in rows}


def audit(db: Db, plan_id: str) -> list[chain.Entry]:
    rows = db.rows(
        f"SELECT {_AUDIT_COLUMNS} FROM audit WHERE plan_id = :p ORDER BY entry",
        p=plan_id,
    )
    return [
        chain.Entry(
            plan_id=str(r[0]),
            entry=int(r[1]),
            revision=int(r[2]),
            at=str(r[3]),
            by=str(r[4]),
            action=str(r[5]),
            reason=None if r[6] is None else str(r[6]),
            detail=str(r[7]),
            revision_digest=str(r[8]),
            prev_hash=str(r[9]),
            hash=str(r[10]),
        )
        for r in rows
    ]


def audited_plan_ids(db: Db) -> list[str]:
    """Every plan id that has a plan row or an audit entry."""
    rows = db.rows("SELECT plan_id FROM plans UNION SELECT plan_id FROM audit ORDER BY 1")
    return [str(r[0]) for r in rows]


def publish_log(db: Db, plan_id: str) -> list[PublishRow]:
    rows = db.rows(
        "SELECT entry, revision, at, by, kind, target, sent, removed FROM publish_log "
        "WHERE plan_id = :p ORDER BY entry",
        p=plan_id,
    )
    return [PublishRow(int(r[0]), int(r[1]), *(str(v) for v in r[2:8])) for r in rows]


# ------------------------------------------------------------------ writing


def _put_snapshot(db: Db, digest: str, protocol_id: str, version: str, content: str) -> None:
    if db.one("SELECT 1 FROM snapshots WHERE digest = :d", d=digest) is None:
        try:
            db.run(
                "INSERT INTO snapshots (digest, protocol_id, version, content) "
                "VALUES (:d, :p, :v, :c)",
                d=digest,
                p=protocol_id,
                v=version,
                c=content,
            )
        except Duplicate:  # another plan stored the same snapshot meanwhile
            pass


def create(
    db: Db,
    plan_id: str,
    label: str,
    protocol_id: str,
    snapshot_content: str,
    request_content: str,
    first: NewRevision,
    previous_plan: str | None = None,
) -> None:
    """A new plan with its first revision and audit entry, in one transaction; `previous_plan`:
    the id of the earlier plan it follows (re-treatment with that plan's stored lot)."""
    with db.writing():
        other = db.one("SELECT plan_id FROM plans WHERE label = :l AND status = 'active'", l=label)
        if other is not None:
            raise InputError(_label_taken(label, str(other[0])))
        _put_snapshot(db, first.snapshot, protocol_id, first.protocol_version, snapshot_content)
        try:
            _insert(
                db,
                NewPlanRows(
                    plan_id,
                    label,
                    protocol_id,
                    snapshot_content,
                    request_content,
                    first,
                    previous_plan,
                ),
            )
        except Duplicate:  # another cartplan took the label meanwhile
            raise InputError(_label_taken(label, "made just now")) from None


class NewPlanRows(NamedTuple):
    """What `create` takes, as one value (create_many takes many)."""

    plan_id: str
    label: str
    protocol_id: str
    snapshot_content: str
    request_content: str
    first: NewRevision
    previous_plan: str | None = None  # the earlier plan a re-treatment follows (its id)


def create_many(db: Db, new: list[NewPlanRows]) -> None:
    """Many new plans in one transaction (the caller's, or its own): the rows `create` writes,
    sent in batches (executemany). The caller has checked in the same transaction that no
    active plan has their labels (active_labels); should another cartplan take one meanwhile,
    the store's unique rule refuses the whole transaction."""
    with db.writing():
        seen: set[str] = set()
        for p in new:
            if p.first.snapshot not in seen:
                seen.add(p.first.snapshot)
                _put_snapshot(
                    db,
                    p.first.snapshot,
                    p.protocol_id,
                    p.first.protocol_version,
                    p.snapshot_content,
                )
        try:
            with db.batched():
                for p in new:
                    _insert(db, p)
        except Duplicate:
            raise InputError(
                "a label of these plans was taken by another cartplan meanwhile; nothing was "
                "saved: try again"
            ) from None


def _insert(db: Db, p: NewPlanRows) -> None:
    """The rows of a new plan: its head row, its request, revision 1 and its audit entry."""
    first = p.first
    db.run(
        f"INSERT INTO plans ({_PLAN_COLUMNS}) VALUES "
        "(:id, :label, :protocol, :version, :status, 1, :day0, :at, :at, :previous)",
        id=p.plan_id,
        label=p.label,
        protocol=p.protocol_id,
        version=first.protocol_version,
        status=first.status,
        day0=first.day0,
        at=first.at,
        previous=p.previous_plan,
    )
    db.run(
        "INSERT INTO requests (plan_id, content) VALUES (:p, :c)",
        p=p.plan_id,
        c=p.request_content,
    )
    _append_rows(db, p.plan_id, 1, first, chain.genesis(p.plan_id))


def _label_taken(label: str, other: str) -> str:
    return (
        f"--label {label}: already the label of active plan {other}; labels are unique among "
        "active plans (close that plan, or choose another)"
    )


def append(
    db: Db, plan_id: str, base: int, new: NewRevision, snapshot: tuple[str, str] | None = None
) -> int:
    """Revision base + 1, if the plan is still at `base`; ConflictError otherwise. `snapshot`
    (protocol id, content): a new protocol snapshot the revision refers to (migrate)."""
    with db.writing():
        row = db.one(
            f"SELECT revision, status FROM plans WHERE plan_id = :p{db.for_update()}",
            p=plan_id,
        )
        if row is None:
            raise InputError(f"no plan {plan_id} in {db.url.shown}")
        if int(row[0]) != base:
            last = db.one(
                "SELECT action, by, at FROM audit WHERE plan_id = :p AND revision = :r",
                p=plan_id,
                r=int(row[0]),
            )
            by = f" ({last[0]} by {last[1]} at {last[2]})" if last else ""
            raise ConflictError(
                f"plan {plan_id} changed while this change was worked out: it was computed from "
                f"revision {base}, the store now holds revision {row[0]}{by}; nothing was "
                "saved — look at the plan again (cartplan plan show) and repeat the change"
            )
        prev = db.one(
            "SELECT hash FROM audit WHERE plan_id = :p ORDER BY entry DESC LIMIT 1", p=plan_id
        )
        if snapshot is not None:
            _put_snapshot(db, new.snapshot, snapshot[0], new.protocol_version, snapshot[1])
        n = base + 1
        _append_rows(db, plan_id, n, new, str(prev[0]) if prev else chain.genesis(plan_id))
        changed = db.run(
            "UPDATE plans SET revision = :n, status = :status, day0 = :day0, "
            "protocol_version = :version, updated_at = :at WHERE plan_id = :p AND revision = :b",
            n=n,
            status=new.status,
            day0=new.day0,
            version=new.protocol_version,
            at=new.at,
            p=plan_id,
            b=base,
        )
        if changed != 1:
            raise ConflictError(
                f"plan {plan_id} changed while this change was saved; nothing saved"
            )
        return n


def _append_rows(db: Db, plan_id: str, n: int, new: NewRevision, prev_hash: str) -> None:
    digest = chain.sha256(new.content)
    db.run(
        "INSERT INTO revisions (plan_id, revision, snapshot, content, digest) "
        "VALUES (:p, :n, :s, :c, :d)",
        p=plan_id,
        n=n,
        s=new.snapshot,
        c=new.content,
        d=digest,
    )
    index.write(db, plan_id, n, new.snapshot, new.content)
    if new.fact is not None:
        f = new.fact
        db.run(
            "INSERT INTO facts (plan_id, revision, step, status, on_date, reason, recorded_by, "
            "recorded_at) VALUES (:p, :n, :step, :status, :on, :reason, :by, :at)",
            p=plan_id,
            n=n,
            step=f.step,
            status=f.status,
            on=f.on_date,
            reason=f.reason,
            by=f.recorded_by,
            at=f.recorded_at,
        )
    entry = chain.sealed(
        chain.Entry(
            plan_id, n, n, new.at, new.by, new.action, new.reason, new.detail, digest, prev_hash, ""
        )
    )
    db.run(
        f"INSERT INTO audit ({_AUDIT_COLUMNS}) VALUES (:plan_id, :entry, :revision, :at, :by, "
        ":action, :reason, :detail, :revision_digest, :prev_hash, :hash)",
        **entry._asdict(),
    )


def log_publish(
    db: Db,
    plan_id: str,
    revision: int,
    at: str,
    by: str,
    kind: str,
    target: str,
    sent: str,
    removed: str,
) -> None:
    with db.writing():
        row = db.one("SELECT max(entry) FROM publish_log WHERE plan_id = :p", p=plan_id)
        n = int(row[0]) + 1 if row and row[0] is not None else 1
        db.run(
            "INSERT INTO publish_log (plan_id, entry, revision, at, by, kind, target, sent, "
            "removed) VALUES (:p, :n, :r, :at, :by, :kind, :target, :sent, :removed)",
            p=plan_id,
            n=n,
            r=revision,
            at=at,
            by=by,
            kind=kind,
            target=target,
            sent=sent,
            removed=removed,
        )


# ------------------------------------------------------------------ verifying


def verify(db: Db, plan_id: str) -> int:
    """Check one plan's audit trail; the number of entries, or AuditError naming the first
    broken entry."""
    with db.reading():
        head = db.one("SELECT revision, label FROM plans WHERE plan_id = :p", p=plan_id)
        entries = audit(db, plan_id)
        revs = {n: (content, digest) for n, _, content, digest in revisions(db, plan_id)}
    label = f" ({head[1]})" if head else ""
    where = f"plan {plan_id}{label}"
    if head is None:
        raise AuditError(f"{where}: audit entries without a plan row: the plan row was removed")
    prev = chain.genesis(plan_id)
    for i, e in enumerate(entries, 1):
        what = f"{where}: audit entry {e.entry} ({e.action} by {e.by} at {e.at})"
        if e.entry != i:
            raise AuditError(
                f"{where}: audit entry {i} is missing (the next one is entry {e.entry}): "
                "removed from the trail"
            )
        if e.prev_hash != prev:
            raise AuditError(
                f"{what}: does not link to the entry before it: an entry before it was "
                "removed, replaced or inserted"
            )
        if chain.entry_hash(e) != e.hash:
            raise AuditError(
                f"{what}: its content does not match its hash: changed after it was written"
            )
        rev = revs.get(e.revision)
        if rev is None:
            raise AuditError(f"{what}: its revision {e.revision} is missing")
        if chain.sha256(rev[0]) != e.revision_digest or rev[1] != e.revision_digest:
            raise AuditError(
                f"{what}: revision {e.revision} does not match the digest the entry recorded: "
                "the revision was changed after it was written"
            )
        prev = e.hash
    if not entries:
        raise AuditError(f"{where}: the plan has no audit entries: the trail was removed")
    last = entries[-1]
    if int(head[0]) != last.revision or set(revs) != {e.revision for e in entries}:
        raise AuditError(
            f"{where}: the plan is at revision {head[0]} but its audit trail ends at entry "
            f"{last.entry} (revision {last.revision}): entries were removed from the end, or "
            "revisions were added outside cartplan"
        )
    return len(entries)
