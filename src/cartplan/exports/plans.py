"""JSON of stored plans for programs: `plan list` and `plan history` (stable contracts).

`plan show --format json` is the schedule contract (cartplan.exports.json) with plan_id, label,
status and revision, and per event status, actual and status_reason."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Contract(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class ProtocolRef(Contract):
    id: str = Field(description="Protocol id.")
    version: str = Field(description="Protocol version of the plan's latest revision.")


class PlanItem(Contract):
    """One stored plan in `plan list --format json`."""

    plan_id: str = Field(description="The plan's id (also the namespace of its calendar UIDs).")
    label: str = Field(description="The patient's pseudonymous label.")
    protocol: ProtocolRef = Field(description="The protocol the plan follows.")
    status: str = Field(description="active, completed or stopped.")
    day0: str = Field(description="The infusion day (ISO date) of the latest revision.")
    revision: int = Field(description="The latest revision's number.")
    created_at: str = Field(description="When the plan was made (UTC).")
    updated_at: str = Field(description="When it last changed (UTC).")


class HistoryItem(Contract):
    """One entry of `plan history --format json`: one revision and the fact behind it."""

    entry: int = Field(description="Audit entry number (1, 2, …); entry n made revision n.")
    revision: int = Field(description="The revision this entry made.")
    action: str = Field(description="create, record, migrate or close.")
    at: str = Field(description="When, in UTC (ISO 8601).")
    at_site: str | None = Field(description="The same instant in the site's time zone.")
    site_tz: str | None = Field(description="The site's time zone (IANA name), if known.")
    by: str = Field(description="Who made the change.")
    reason: str | None = Field(description="Why, as given.")
    fact: dict[str, Any] | None = Field(description="The fact recorded: step, status, date…")
    changes: list[dict[str, Any]] = Field(description="Each step that moved: old, new, why.")
    notices: list[str] = Field(description="What the team was told.")
    protocol: dict[str, str] | None = Field(description="Protocol id, version, snapshot digest.")
    status: dict[str, str] | None = Field(description="The plan's status, old and new.")
    hash: str = Field(description="The entry's hash in the audit trail's chain.")


def plan_list(rows: Sequence[Any]) -> str:
    items = [
        PlanItem(
            plan_id=r.plan_id,
            label=r.label,
            protocol=ProtocolRef(id=r.protocol_id, version=r.protocol_version),
            status=r.status,
            day0=r.day0,
            revision=r.revision,
            created_at=r.created_at,
            updated_at=r.updated_at,
        ).model_dump(mode="json")
        for r in rows
    ]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def history(entries: Sequence[Any]) -> str:
    items = []
    for h in entries:
        d = h.detail.model_dump(mode="json")
        items.append(
            HistoryItem(
                entry=h.entry,
                revision=h.revision,
                action=h.action,
                at=h.at.isoformat().replace("+00:00", "Z"),
                at_site=None if h.at_site is None else h.at_site.isoformat(),
                site_tz=h.zone,
                by=h.by,
                reason=h.reason,
                fact=d["fact"],
                changes=d["changes"],
                notices=d["notices"],
                protocol=d["protocol"],
                status=d["status"],
                hash=h.hash,
            ).model_dump(mode="json")
        )
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"


def change_set(
    plan_id: str, base: int, saved: int | None, changes: Sequence[Any], notices: Sequence[str]
) -> str:
    body = {
        "plan_id": plan_id,
        "computed_from": base,
        "revision": saved,
        "dry_run": saved is None,
        "changes": [c.model_dump(mode="json") for c in changes],
        "notices": list(notices),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


class ImportedItem(Contract):
    """One row of the file stored as a plan."""

    line: int = Field(description="The row's line in the file (the header is line 1).")
    label: str = Field(description="The patient's pseudonymous label.")
    plan_id: str = Field(description="The new plan's id.")
    protocol: str = Field(description="Protocol id.")
    day0: str = Field(description="The infusion day (ISO date).")


class BadRow(Contract):
    """One row that did not become a plan."""

    line: int = Field(description="The row's line in the file (the header is line 1).")
    label: str | None = Field(description="The row's label, if it has one.")
    reason: str = Field(description="Why, in one line.")
    exit_code: int = Field(description="The exit code `plan new` would give for this row.")


class ImportReport(Contract):
    """`plan import --format json`."""

    file: str = Field(description="The file as given.")
    rows: int = Field(description="Data rows read (blank lines not counted).")
    saved: bool = Field(
        description="True when the import was written (every row, or with --skip-bad the good "
        "ones); false when bad rows stopped it and nothing was written."
    )
    imported: list[ImportedItem] = Field(description="The plans stored, in file order.")
    bad: list[BadRow] = Field(description="The rows that did not become plans, by line.")


def import_report(report: Any, reasons: Sequence[str]) -> str:
    """The report of services.plan_import, each bad row's reason already in words."""
    body = ImportReport(
        file=report.file,
        rows=report.rows,
        saved=report.saved,
        imported=[
            ImportedItem(
                line=i.line,
                label=i.label,
                plan_id=i.plan_id,
                protocol=i.protocol,
                day0=i.day0.isoformat(),
            )
            for i in report.imported
        ],
        bad=[
            BadRow(line=b.line, label=b.label, reason=why, exit_code=b.error.exit_code)
            for b, why in zip(report.bad, reasons, strict=True)
        ],
    )
    return json.dumps(body.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
