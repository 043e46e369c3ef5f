"""Message templates of living plans: facts, change sets, failure paths (cartplan.lifecycle)."""

from __future__ import annotations

from cartplan.i18n.marker import N_

LIFECYCLE: dict[str, str] = {
    "fact.unknown_step": N_("the plan has no step '{step}' (steps: {steps})"),
    "fact.needs_reason": N_("{step}: give the reason for the change"),
    "fact.needs_date": N_("{step} {status}: give the day (--date YYYY-MM-DD)"),
    "fact.no_date": N_("{step} {status}: a {status} step has no day; leave out --date"),
    "fact.planned": N_("{step}: record done, deferred, cancelled or failed"),
    "fact.in_future": N_(
        "{step} {status} on {on}: that day is after today ({today}); record what happened"
    ),
    "fact.cancelled": N_("{step} was cancelled: it left the plan and takes no more facts"),
    "fact.no_change": N_("{step} is already {status} on that day: nothing to record"),
    "change.happened": N_("{step} {status} on {on}: {reason}"),
    "change.deferred": N_("{step} deferred to {on}: {reason}"),
    "change.cancelled": N_("{step} cancelled: {reason}"),
    "change.follows": N_("follows {step} ({status})"),
    "change.repeat": N_(
        "{step} failed on {on} ({reason}): repeated from {repeat_from}, "
        "from {floor} at the earliest"
    ),
    "change.created": N_("planned"),
    "plan.retreatment_lot": N_(
        "re-treatment: thaw the stored lot of plan {plan} ({label}; {protocol}, D0 {day0})"
    ),
    "change.migrated": N_("protocol {protocol} {old} -> {new}"),
    "change.joined": N_("new in protocol {protocol} {new}"),
    "change.left": N_("not in protocol {protocol} {new}"),
    "failure.no_path": N_(
        "protocol {protocol} gives no path after a failed {step}: the later steps stay as "
        "planned; decide with the team (close the plan as stopped, or migrate it to a protocol "
        "version that has one)"
    ),
    "failure.path": N_(
        "{step} failed: the protocol repeats from {repeat_from}, from {floor} at the earliest. "
        "{note}"
    ),
}
