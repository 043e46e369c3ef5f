"""Plans whose `--format json` output the contract tests read: each shipped protocol without a
patient, with one, with identifying data asked for, with timed steps, planned backward."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import FIXTURES, TODAY

PATIENTS = FIXTURES / "patients"
SHIPPED = sorted(p.stem for p in (Path(__file__).parents[2] / "protocols").glob("*.yaml"))

# name -> the schedule arguments after --protocol
VARIANTS: dict[str, tuple[str, ...]] = {
    "no-patient": ("--start", "2025-05-01"),
    "patient": ("--start", "2025-05-01", "--patient", str(PATIENTS / "standard.yaml")),
    "timed": ("--start", "2025-05-01", "--set", "apheresis.time=08:30", "--tz", "Europe/Berlin"),
    "phi-included": (
        "--start",
        "2025-05-01",
        "--patient",
        str(PATIENTS / "phi.yaml"),
        "--include-phi",
    ),
    "timed-patient": (
        "--start",
        "2025-05-01",
        "--patient",
        str(PATIENTS / "reference-man.yaml"),
        "--set",
        "lymphodepletion.time=08:00",
        "--set",
        "apheresis.duration=3h",
        "--tz",
        "Europe/Berlin",
    ),
    "backward-no-dosing": ("--infusion", "2025-07-01", "--label", "P-1", "--age", "10"),
}


def _step_for(protocol: str, step: str) -> str:
    """The step a variant times: the named one, or, in a protocol without it (no apheresis, no
    lymphodepletion: issue 12's modalities), the protocol's first step / its D0 step."""
    from cartplan.sources import catalogue

    p = catalogue.load(protocol)
    ids = [s.id for s in p.steps]
    if step in ids:
        return step
    return ids[0] if step == "apheresis" else p.day0_step.id


def schedule_args(protocol: str, variant: str) -> tuple[str, ...]:
    from cartplan.sources import catalogue

    args = []
    for a in VARIANTS[variant]:
        step, dot, rest = a.partition(".")
        if dot and step in ("apheresis", "lymphodepletion"):
            a = f"{_step_for(protocol, step)}.{rest}"
        args.append(a)
    adult = catalogue.load(protocol).min_age
    if adult is not None and "--age" in args:  # a child variant of an adults-only protocol
        at = args.index("--age") + 1
        args[at] = str(max(int(args[at]), adult))
    return (
        "schedule",
        "--protocol",
        protocol,
        "--today",
        TODAY,
        "--format",
        "json",
        *args,
    )
