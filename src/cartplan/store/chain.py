"""The audit trail's hash chain: each entry's hash covers its content and the hash before it.

An entry changed after it was written no longer matches its hash; a removed or inserted entry
breaks the link to the next one. Recomputing the chain needs nothing but the rows themselves,
so `plan verify` finds tampering even when someone dropped the database's triggers first.
"""

from __future__ import annotations

import hashlib
import json
from typing import NamedTuple


class Entry(NamedTuple):
    plan_id: str
    entry: int  # 1, 2, … per plan; entry n records revision n
    revision: int
    at: str  # UTC, ISO 8601 with Z
    by: str
    action: str  # create, record, migrate, close
    reason: str | None
    detail: str  # canonical JSON: the fact, the change set, notices
    revision_digest: str  # SHA-256 of the revision's stored content
    prev_hash: str
    hash: str


def genesis(plan_id: str) -> str:
    """The hash the first entry of a plan links to."""
    return sha256(f"cartplan audit trail of plan {plan_id}")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical(value: object) -> str:
    """JSON with sorted keys and no spaces: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(e: Entry) -> str:
    """The hash an entry must carry, from everything in it but the hash itself."""
    fields = [
        e.plan_id,
        e.entry,
        e.revision,
        e.at,
        e.by,
        e.action,
        e.reason,
        e.detail,
        e.revision_digest,
        e.prev_hash,
    ]
    return sha256(canonical(fields))


def sealed(e: Entry) -> Entry:
    return e._replace(hash=entry_hash(e))
